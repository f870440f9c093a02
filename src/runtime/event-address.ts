import type { JsonSchema } from '../dsl/schema.js';
import { UsageError } from '../errors.js';
import type { EventAddress } from './host/instance-host.js';

/** The payload form of addressing, as the original README uses it: `{ instanceId }` or `{ processId }`. */
export function addressOf(payload: Record<string, unknown>): EventAddress | undefined {
  if (typeof payload.instanceId === 'string') return { instanceId: payload.instanceId };
  if (typeof payload.processId === 'string') return { processId: payload.processId };
  return undefined;
}

/** The payload without the fields that addressed it, unless the event's schema declares them as its own. */
export function withoutAddressing(payload: Record<string, unknown>, schema: JsonSchema | undefined): Record<string, unknown> {
  const declared = (schema?.properties ?? {}) as Record<string, unknown>;
  const rest = { ...payload };
  if (typeof payload.instanceId === 'string' && !('instanceId' in declared)) delete rest.instanceId;
  if (typeof payload.processId === 'string' && !('processId' in declared)) delete rest.processId;
  return rest;
}

/** The third argument of `sendEvent`: exactly one of `instanceId` and `processId`, a non-empty string. */
export function checkedAddress(target: unknown): EventAddress {
  const { instanceId, processId } = (typeof target === 'object' && target !== null ? target : {}) as { instanceId?: unknown; processId?: unknown };
  const valid = (value: unknown) => typeof value === 'string' && value.length > 0;
  if (valid(instanceId) && processId === undefined) return { instanceId: instanceId as string };
  if (valid(processId) && instanceId === undefined) return { processId: processId as string };
  throw new UsageError(`sendEvent(type, payload, target) expects target to be { instanceId } or { processId } with a non-empty string, got ${JSON.stringify(target)}`);
}
