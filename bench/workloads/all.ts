import { conditionWorkload } from './condition.js';
import { parallelWorkload } from './parallel.js';
import { retryWorkload } from './retry.js';
import { sequentialWorkload } from './sequential.js';
import type { FlowWorkload } from './types.js';

/** Workloads 1–4, in the order of the report. */
export const flowWorkloads: readonly FlowWorkload[] = [sequentialWorkload, parallelWorkload, retryWorkload, conditionWorkload];
