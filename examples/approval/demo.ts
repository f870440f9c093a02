import { ReactiveSystemRuntime, type FlowExecutionResult } from '../../src/index.js';
import { createDemoClock, playTimeline } from '../timeline.js';
import { printFlows, type Log } from '../watch.js';
import system from './system.js';
import { createApprovalServices, type SentEmail } from './tasks.js';

const hour = 3_600_000;
const reviewers = { legal: 'lee@example.com', finance: 'fay@example.com' };

/**
 * Three documents through simulated days: one both reviewers approve (published), one finance rejects,
 * one finance never answers (it expires when the 2-day review window closes).
 */
export async function runApprovalDemo(log: Log): Promise<{ results: Record<string, unknown>; mail: SentEmail[] }> {
  const clock = createDemoClock();
  const runtime = new ReactiveSystemRuntime(system, { clock });
  const { tasks, mail } = createApprovalServices();
  runtime.registerTaskImplementations(tasks);
  const at = () => clock.label();
  printFlows(runtime, log, at);
  const results: Record<string, unknown> = {};
  const finished = (p: Record<string, unknown>) => {
    const result = p as unknown as FlowExecutionResult;
    log(`${at()}  ✓ ${result.instanceId}: ${JSON.stringify(result.output)}`);
    results[result.instanceId] = result.output;
  };
  runtime.registerEventHandler('flow.completed', finished);
  runtime.registerEventHandler('flow.failed', finished);

  const submit = (documentId: string, title: string) => () => {
    log(`${at()} document.submitted ${documentId} "${title}"`);
    runtime.sendEvent('document.submitted', { documentId, title, author: 'alex@example.com', reviewers });
  };
  const verdict = (documentId: string, role: 'legal' | 'finance', decision: 'approve' | 'reject', comment?: string) => () => {
    log(`${at()} review.submitted ${documentId}: ${role} ${decision}s${comment ? ` ("${comment}")` : ''}`);
    runtime.sendEvent('review.submitted', { documentId, role, reviewer: reviewers[role], decision, ...(comment ? { comment } : {}) });
  };

  log('approval example: three documents, legal and finance review each within 2 days');
  await playTimeline(
    clock,
    [
      { at: 0, do: submit('D-1', 'Travel policy 2025') },
      { at: 0.5 * hour, do: submit('D-2', 'Price list Q3') },
      { at: 1 * hour, do: submit('D-3', 'Supplier contract') },
      { at: 2 * hour, do: verdict('D-1', 'legal', 'approve') },
      { at: 3 * hour, do: verdict('D-2', 'legal', 'approve') },
      { at: 5 * hour, do: verdict('D-1', 'finance', 'approve') },
      { at: 6 * hour, do: verdict('D-3', 'legal', 'approve') },
      { at: 24 * hour, do: verdict('D-2', 'finance', 'reject', 'margins below 20%') },
    ],
    50 * hour,
  );

  log('emails sent:');
  for (const m of mail) log(`  to ${m.to}: ${m.subject}${m.body ? ` (${m.body})` : ''}`);
  runtime.stop();
  return { results, mail };
}
