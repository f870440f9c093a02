import { defineSystem, type FlowStep } from '../../src/index.js';

/** One reviewer's branch: ask for the review, then wait up to 2 days for their verdict. */
function review(role: 'legal' | 'finance'): FlowStep[] {
  return [
    {
      id: `ask_${role}`,
      type: 'task',
      task: 'requestReview',
      input: `{ "documentId": input.documentId, "title": input.title, "role": "${role}", "reviewer": input.reviewers.${role} }`,
    },
    {
      id: role,
      type: 'event',
      event: 'review.submitted',
      // Only the reviewer asked may answer for the role.
      match: `event.documentId == input.documentId and event.role == "${role}" and event.reviewer == input.reviewers.${role}`,
      timeout: '2d',
      // A reviewer who does not answer is a result, not a crash: the decision below reads it.
      onError: 'continue',
    },
  ];
}

const notifyAuthor = (id: string, outcome: string, details: string): FlowStep => ({
  id,
  type: 'task',
  task: 'notifyAuthor',
  input: `{ "documentId": input.documentId, "author": input.author, "outcome": "${outcome}", "details": ${details} }`,
});

/**
 * Document approval. `document.submitted` starts the approval flow: legal and finance review in parallel,
 * each waiting up to 2 days for a `review.submitted` event from the reviewer named in the submission.
 * Both approve: the document is published and the author told. Anyone rejects: the author gets the
 * reviewers' comments. Someone did not answer in time: the author is told who, and the request expires.
 */
export default defineSystem({
  id: 'documents',
  name: 'Document approval',
  version: '1.0.0',
  description: 'Parallel review of submitted documents, with a deadline',
  events: {
    'document.submitted': {
      description: 'An author submitted a document for approval',
      payload: {
        type: 'object',
        required: ['documentId', 'title', 'author', 'reviewers'],
        properties: {
          documentId: { type: 'string' },
          title: { type: 'string' },
          author: { type: 'string' },
          reviewers: { type: 'object', required: ['legal', 'finance'], properties: { legal: { type: 'string' }, finance: { type: 'string' } } },
        },
      },
    },
    'review.submitted': {
      description: 'A reviewer gave their verdict',
      payload: {
        type: 'object',
        required: ['documentId', 'role', 'reviewer', 'decision'],
        properties: {
          documentId: { type: 'string' },
          role: { enum: ['legal', 'finance'] },
          reviewer: { type: 'string' },
          decision: { enum: ['approve', 'reject'] },
          comment: { type: 'string' },
        },
      },
    },
  },
  tasks: {
    requestReview: {
      description: 'Email a reviewer a link to the document',
      input: { type: 'object', required: ['documentId', 'role', 'reviewer'], properties: { reviewer: { type: 'string' } } },
      retry: { maxAttempts: 3, initialDelay: '5s' },
    },
    publishDocument: {
      description: 'Publish the approved version to the document portal',
      output: { type: 'object', required: ['url'], properties: { url: { type: 'string' } } },
      retry: { maxAttempts: 3, initialDelay: '5s' },
      timeout: '30s',
    },
    notifyAuthor: { description: 'Email the author the outcome' },
  },
  flows: {
    approval: {
      description: 'Legal and finance review in parallel; publish when both approve',
      trigger: 'document.submitted',
      input: { type: 'object', required: ['documentId', 'author', 'reviewers'] },
      steps: [
        { id: 'reviews', type: 'parallel', branches: [review('legal'), review('finance')] },
        {
          id: 'decision',
          type: 'condition',
          if: 'steps.legal.decision == "approve" and steps.finance.decision == "approve"',
          then: [
            { id: 'publish', type: 'task', task: 'publishDocument', input: '{ "documentId": input.documentId, "title": input.title }' },
            notifyAuthor('tellApproved', 'approved', '"published at " + steps.publish.url'),
          ],
          else: [
            {
              id: 'why',
              type: 'condition',
              if: 'steps.legal.decision == "reject" or steps.finance.decision == "reject"',
              then: [
                notifyAuthor(
                  'tellRejected',
                  'rejected',
                  'join(map(filter([steps.legal, steps.finance], r => r.decision == "reject"), r => r.role + ": " + coalesce(r.comment, "no comment")), "; ")',
                ),
              ],
              else: [
                notifyAuthor(
                  'tellExpired',
                  'expired',
                  '"no answer in 2 days from " + join(concat(exists(steps.legal) ? [] : ["legal"], exists(steps.finance) ? [] : ["finance"]), " and ")',
                ),
              ],
            },
          ],
        },
      ],
      output:
        '{ "documentId": input.documentId, ' +
        '"outcome": exists(steps.publish) ? "approved" : exists(steps.tellRejected) ? "rejected" : "expired", ' +
        '"legal": coalesce(steps.legal.decision, "no answer"), "finance": coalesce(steps.finance.decision, "no answer"), ' +
        '"url": steps.publish.url }',
    },
  },
});
