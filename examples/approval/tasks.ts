import { getTaskContext, type TaskImplementation } from '../../src/index.js';

/** An email the approval system sent. */
export interface SentEmail {
  to: string;
  subject: string;
  body: string;
}

/**
 * The services behind document approval: a mailer that records what it sends, and a document portal that
 * publishes each document once (a repeated attempt, same idempotency key, gets the same page back).
 */
export function createApprovalServices() {
  const mail: SentEmail[] = [];
  const published = new Map<string, string>();

  const tasks: Record<string, TaskImplementation> = {
    requestReview: async (input: { documentId: string; title: string; role: string; reviewer: string }) => {
      mail.push({
        to: input.reviewer,
        subject: `Please review "${input.title}" (${input.role})`,
        body: `https://docs.example.com/review/${input.documentId}?role=${input.role}`,
      });
      return { requested: input.reviewer };
    },
    publishDocument: async (input: { documentId: string }) => {
      const { idempotencyKey } = getTaskContext();
      const url = published.get(idempotencyKey) ?? `https://docs.example.com/published/${input.documentId}/v${published.size + 1}`;
      published.set(idempotencyKey, url);
      return { url };
    },
    notifyAuthor: async (input: { documentId: string; author: string; outcome: string; details: string }) => {
      mail.push({ to: input.author, subject: `${input.documentId}: ${input.outcome}`, body: input.details });
      return { outcome: input.outcome, notified: input.author };
    },
  };
  return { tasks, mail, published };
}

/** Implementations of the approval system's tasks. */
export const tasks: Record<string, TaskImplementation> = createApprovalServices().tasks;
