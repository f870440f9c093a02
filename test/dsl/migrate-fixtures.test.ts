import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createMigrationRegistry, migrateSystem } from '../../src/dsl/migrate/index.js';
import { validateSystem } from '../../src/index.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/legacy/${name}`, import.meta.url), 'utf8'));
const convert = (name: string) => migrateSystem(fixture(name), undefined, { registry: createMigrationRegistry() });

describe('realistic documents in the older shape', () => {
  it('the order system converts to a valid DSL v1 document', () => {
    const { system, report } = convert('order-system.json');
    expect(validateSystem(system)).toEqual({ valid: true, errors: [] });
    const { metadata, ...rest } = system;
    expect(rest).toMatchInlineSnapshot(`
      {
        "boundedContexts": {
          "fulfilment": {
            "description": "Fulfilment",
            "processes": [
              "inventory",
            ],
            "tasks": [
              "reserveStock",
            ],
          },
          "sales": {
            "description": "Taking and charging orders",
            "processes": [
              "order",
            ],
            "tasks": [
              "calculateTotal",
              "chargePayment",
              "shipOrder",
            ],
          },
        },
        "description": "Orders from checkout to delivery, as written for the original Runtime Core",
        "flows": {
          "checkout": {
            "description": "Checkout",
            "steps": [
              {
                "id": "total",
                "task": "calculateTotal",
                "type": "task",
              },
              {
                "id": "route",
                "if": "steps.total.total > 1000",
                "then": [
                  {
                    "id": "review",
                    "task": "flagForReview",
                    "type": "task",
                  },
                ],
                "type": "condition",
              },
              {
                "id": "charge",
                "task": "chargePayment",
                "type": "task",
              },
              {
                "id": "markPaid",
                "task": "emit_order_paid",
                "type": "task",
              },
              {
                "branches": [
                  [
                    {
                      "id": "reserve",
                      "task": "reserveStock",
                      "type": "task",
                    },
                  ],
                  [
                    {
                      "id": "confirm",
                      "task": "sendConfirmation",
                      "type": "task",
                    },
                  ],
                ],
                "id": "prepare",
                "type": "parallel",
              },
              {
                "duration": 60000,
                "id": "coolOff",
                "type": "wait",
              },
              {
                "id": "ship",
                "task": "shipOrder",
                "type": "task",
              },
              {
                "id": "markShipped",
                "task": "emit_order_shipped",
                "type": "task",
              },
            ],
            "trigger": "order.placed",
          },
        },
        "id": "order-system",
        "name": "Order System",
        "processes": {
          "inventory": {
            "initial": "idle",
            "states": {
              "idle": {},
            },
          },
          "order": {
            "description": "Order",
            "initial": "created",
            "states": {
              "cancelled": {},
              "created": {
                "on": {
                  "order.cancelled": "cancelled",
                  "order.paid": "paid",
                },
              },
              "delivered": {},
              "paid": {
                "on": {
                  "order.cancelled": {
                    "guard": "event.refunded == true",
                    "target": "cancelled",
                  },
                  "order.shipped": "shipped",
                },
              },
              "shipped": {
                "on": {
                  "order.delivered": "delivered",
                },
              },
            },
          },
        },
        "tasks": {
          "calculateTotal": {
            "description": "Calculate the order total",
            "input": {
              "properties": {
                "discountCode": {},
                "items": {},
              },
              "type": "object",
            },
            "output": {
              "properties": {
                "currency": {
                  "type": "string",
                },
                "total": {
                  "type": "number",
                },
              },
              "required": [
                "total",
              ],
              "type": "object",
            },
          },
          "chargePayment": {
            "description": "Charge the card",
            "implementation": {
              "method": "POST",
              "type": "http",
              "url": "https://payments.example.com/charges",
            },
            "input": {
              "properties": {
                "amount": {
                  "type": "number",
                },
                "orderId": {
                  "type": "string",
                },
              },
              "required": [
                "orderId",
              ],
              "type": "object",
            },
            "output": {
              "type": "object",
            },
            "timeout": 10000,
          },
          "emit_order_paid": {
            "description": "Sends "order.paid" with its input as payload (added by migration for process steps)",
            "implementation": {
              "event": "order.paid",
              "type": "emit",
            },
          },
          "emit_order_shipped": {
            "description": "Sends "order.shipped" with its input as payload (added by migration for process steps)",
            "implementation": {
              "event": "order.shipped",
              "type": "emit",
            },
          },
          "flagForReview": {
            "description": "Large orders are checked by a person before the card is charged",
            "input": {
              "properties": {
                "orderId": {
                  "type": "string",
                },
              },
              "required": [
                "orderId",
              ],
              "type": "object",
            },
          },
          "reserveStock": {
            "description": "Reserve stock",
            "implementation": {
              "output": {
                "reserved": true,
              },
              "type": "mock",
            },
            "input": {
              "title": "ReservationRequest",
            },
          },
          "sendConfirmation": {
            "description": "Email the confirmation",
            "implementation": {
              "output": {},
              "type": "mock",
            },
            "input": {
              "properties": {
                "email": {},
                "orderId": {},
              },
              "type": "object",
            },
          },
          "shipOrder": {
            "description": "Hand the parcel to the carrier",
          },
        },
        "version": "0.9.0",
      }
    `);
    expect(Object.keys((metadata?.legacy ?? {}) as object)).toMatchInlineSnapshot(`
      [
        "tasks.calculateTotal.type",
        "tasks.calculateTotal.implementation",
        "tasks.flagForReview.label",
        "tasks.flagForReview.type",
        "tasks.chargePayment.type",
        "tasks.chargePayment.implementation.service",
        "tasks.reserveStock.type",
        "tasks.sendConfirmation.type",
        "tasks.shipOrder.type",
        "tasks.shipOrder.implementation",
        "processes.order.triggers",
        "processes.order.tasks",
        "processes.inventory.triggers",
        "processes.inventory.tasks",
        "boundedContexts.sales.name",
      ]
    `);
    expect(report.inexact.map(({ kind, path }) => `${kind} ${path}`)).toMatchInlineSnapshot(`
      [
        "unconverted tasks.calculateTotal.implementation",
        "approximated tasks.reserveStock.input",
        "approximated tasks.sendConfirmation.implementation",
        "unconverted tasks.shipOrder.implementation",
        "unconverted processes.order.triggers",
        "unconverted processes.order.tasks",
        "approximated processes.inventory.states",
        "unconverted processes.inventory.triggers",
        "unconverted processes.inventory.tasks",
      ]
    `);
  });

  it('the ticket system converts to a valid DSL v1 document', () => {
    const { system, report } = convert('ticket-system.json');
    expect(validateSystem(system)).toEqual({ valid: true, errors: [] });
    const { metadata, ...rest } = system;
    expect(rest).toMatchInlineSnapshot(`
      {
        "boundedContexts": {
          "support": {
            "processes": [
              "ticket",
              "sla",
            ],
          },
        },
        "description": "A help desk: tickets, triage and SLA follow-up",
        "events": {
          "customer.replied": {},
          "sla.breached": {},
          "ticket.archived": {},
          "ticket.assigned": {
            "description": "An agent took the ticket",
          },
          "ticket.awaiting_customer": {},
          "ticket.closed": {},
          "ticket.opened": {
            "payload": {
              "properties": {
                "priority": {
                  "type": "string",
                },
                "ticketId": {
                  "type": "string",
                },
              },
              "required": [
                "ticketId",
              ],
              "type": "object",
            },
          },
          "ticket.reopened": {},
          "ticket.resolved": {},
        },
        "flows": {
          "followUp": {
            "description": "Follow up on quiet tickets",
            "steps": [
              {
                "id": "check",
                "task": "checkStatus",
                "type": "task",
              },
              {
                "id": "stillOpen",
                "if": "steps.check.status == 'open'",
                "then": [
                  {
                    "duration": "1d",
                    "id": "pause",
                    "type": "wait",
                  },
                ],
                "type": "condition",
              },
              {
                "id": "done",
                "task": "closeStale",
                "type": "task",
              },
            ],
          },
          "triage": {
            "description": "Triage",
            "steps": [
              {
                "id": "classify",
                "input": "{"subject":"$.ticket.subject"}",
                "task": "classifyTicket",
                "type": "task",
              },
              {
                "else": [
                  {
                    "else": [
                      {
                        "else": [
                          {
                            "id": "queue",
                            "task": "addToQueue",
                            "type": "task",
                          },
                        ],
                        "id": "byPriority_else2",
                        "if": "false",
                        "then": [
                          {
                            "id": "reply",
                            "task": "autoReply",
                            "type": "task",
                          },
                        ],
                        "type": "condition",
                      },
                    ],
                    "id": "byPriority_else1",
                    "if": "steps.classify.priority == 'high'",
                    "then": [
                      {
                        "id": "assign",
                        "task": "assignAgent",
                        "type": "task",
                      },
                    ],
                    "type": "condition",
                  },
                ],
                "id": "byPriority",
                "if": "steps.classify.priority == 'urgent'",
                "then": [
                  {
                    "id": "escalate",
                    "task": "escalate",
                    "type": "task",
                  },
                ],
                "type": "condition",
              },
              {
                "id": "startSla",
                "task": "start_sla",
                "type": "task",
              },
              {
                "event": "customer.replied",
                "id": "awaitReply",
                "timeout": "2d",
                "type": "event",
              },
            ],
            "trigger": "ticket.opened",
          },
        },
        "id": "ticket-system",
        "name": "Support Tickets",
        "processes": {
          "sla": {
            "initial": "running",
            "states": {
              "breached": {},
              "running": {
                "on": {
                  "sla.breached": "breached",
                },
              },
            },
          },
          "ticket": {
            "description": "Ticket",
            "initial": "open",
            "on": {
              "ticket.reopened": "open",
            },
            "states": {
              "archived": {},
              "assigned": {
                "on": {
                  "ticket.awaiting_customer": "waiting-on-customer",
                  "ticket.resolved": "resolved",
                },
              },
              "closed": {
                "type": "final",
              },
              "open": {
                "description": "Waiting for an agent",
                "on": {
                  "ticket.assigned": "assigned",
                },
              },
              "resolved": {
                "on": {
                  "ticket.archived": "archived",
                  "ticket.closed": {
                    "guard": "false",
                    "target": "closed",
                  },
                },
              },
              "waiting-on-customer": {
                "on": {
                  "customer.replied": "assigned",
                  "ticket.resolved": "resolved",
                },
              },
            },
          },
        },
        "tasks": {
          "addToQueue": {
            "description": "Put the ticket in the general queue",
            "input": {
              "properties": {
                "priority": {},
                "subject": {},
              },
              "type": "object",
            },
          },
          "assignAgent": {
            "description": "Assign an agent",
            "retry": {
              "backoff": "exponential",
              "initialDelay": 500,
              "maxAttempts": 3,
            },
          },
          "autoReply": {
            "description": "Send the standard answer",
          },
          "checkStatus": {
            "description": "Look at the ticket's status",
          },
          "classifyTicket": {
            "description": "Classify the ticket",
            "implementation": {
              "method": "POST",
              "type": "http",
              "url": "https://ml.example.com/classify",
            },
            "input": {
              "properties": {
                "body": {
                  "type": "string",
                },
                "customer": {
                  "title": "Customer",
                },
                "subject": {
                  "type": "string",
                },
              },
              "required": [
                "subject",
              ],
              "type": "object",
            },
            "output": {
              "properties": {
                "priority": {
                  "type": "string",
                },
                "topic": {
                  "type": "string",
                },
              },
              "type": "object",
            },
          },
          "closeStale": {
            "description": "Close tickets nobody answered",
          },
          "escalate": {
            "description": "Page the on-call lead",
            "implementation": {
              "output": {
                "paged": true,
              },
              "type": "mock",
            },
          },
          "start_sla": {
            "description": "Starts process "sla" (added by migration for process steps): register an implementation that calls runtime.createProcess("sla", …)",
          },
        },
      }
    `);
    expect(Object.keys((metadata?.legacy ?? {}) as object)).toMatchInlineSnapshot(`
      [
        "tasks[0].type",
        "tasks[0].implementation.service",
        "tasks[0].implementation.apiVersion",
        "tasks[1].type",
        "tasks[2].type",
        "tasks[3].type",
        "tasks[3].implementation",
        "tasks[4].type",
        "tasks[5].type",
        "tasks[6].type",
        "processes[0].transitions[4].condition",
        "processes[0].triggers",
        "flows[0].steps[1].next[2].condition",
        "flows[1].steps[4]",
      ]
    `);
    expect(report.inexact.map(({ kind, path }) => `${kind} ${path}`)).toMatchInlineSnapshot(`
      [
        "approximated tasks[0].input[2]",
        "unconverted tasks[0].implementation.apiVersion",
        "unconverted tasks[3].implementation",
        "unconverted processes[0].transitions[4].condition",
        "unconverted processes[0].triggers",
        "approximated flows[0].steps[0].input",
        "unconverted flows[0].steps[1].next[2].condition",
        "approximated flows[0].steps[6]",
        "approximated flows[0].steps[7]",
        "approximated flows[1].steps[2].next",
        "unconverted flows[1].steps[4]",
      ]
    `);
  });

  it('every value kept under metadata.legacy is in the report, and every unconverted item is kept there', () => {
    for (const name of ['order-system.json', 'ticket-system.json']) {
      const { system, report } = convert(name);
      const kept = Object.keys((system.metadata?.legacy ?? {}) as object);
      const reported = [...report.changes, ...report.inexact].filter((c) => c.kind === 'preserved' || c.kind === 'unconverted').map((c) => c.path);
      expect(new Set(reported)).toEqual(new Set(kept));
      expect(report.changes.some((c) => c.kind === 'approximated' || c.kind === 'unconverted')).toBe(false);
    }
  });

  it('converting the same document twice gives the same result', () => {
    expect(convert('ticket-system.json')).toEqual(convert('ticket-system.json'));
  });
});
