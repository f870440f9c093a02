/**
 * The page's script, plain browser JavaScript (the project's TypeScript has no DOM types). It keeps one
 * WebSocket to `/ws`, renders what the server pushes, and toggles the classes `active` and `active-leaf` on the
 * diagram's elements whose `data-state` is an active state path. It writes text with `textContent` only.
 */
export const inspectorScript = String.raw`'use strict';
const $ = (selector) => document.querySelector(selector);
const el = (tag, attributes, ...children) => {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value !== undefined && value !== null && value !== false) node.setAttribute(name, String(value));
  }
  for (const child of children) node.append(child);
  return node;
};

const view = {
  definitions: [],
  instances: new Map(),
  selected: null,
  diagramKey: null,
  active: [],
  steps: {},
  requests: 0,
  // The stored version the shown detail was read at: a newer one in the list asks for the detail again.
  detailVersion: null,
};
// An instance's status as the list shows it: the live actor's, or the store's for one that does not run here.
const statusOf = (instance) => (instance.status === 'stored' && instance.stored ? instance.stored.status : instance.status);
let socket = null;

// ─── connection ───
function connect() {
  socket = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws');
  socket.addEventListener('open', () => {
    // A restarted inspector may run another system: draw and select afresh (the address keeps the selection).
    view.selected = null;
    view.diagramKey = null;
    setConnection('connected');
  });
  socket.addEventListener('message', (message) => receive(JSON.parse(message.data)));
  socket.addEventListener('close', () => {
    setConnection('disconnected');
    setTimeout(connect, 1000);
  });
}
function setConnection(status) {
  const node = $('#connection');
  node.dataset.status = status;
  node.textContent = status;
}
function send(message) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

function receive(message) {
  switch (message.type) {
    case 'system':
      view.definitions = message.definitions;
      $('#system-name').textContent = message.system ? (message.system.name || message.system.id) + ' ' + message.system.version : '';
      renderDefinitions();
      renderEventTypes();
      break;
    case 'instances':
      view.instances = new Map(message.instances.map((instance) => [instance.instanceId, instance]));
      renderInstances();
      restoreSelection();
      break;
    case 'instance':
      view.instances.set(message.instance.instanceId, message.instance);
      renderInstances();
      if (message.instance.instanceId === view.selected) {
        renderTitle();
        const stored = message.instance.stored;
        if (stored && stored.version !== view.detailVersion) send({ type: 'select', instanceId: view.selected });
      }
      if (!view.selected && !view.diagramKey && location.hash === '') select(message.instance.instanceId);
      break;
    case 'removed':
      view.instances.delete(message.instanceId);
      renderInstances();
      break;
    case 'detail':
      if (message.instance.instanceId !== view.selected) break;
      view.instances.set(message.instance.instanceId, message.instance);
      view.active = message.active;
      view.steps = message.steps;
      view.detailVersion = message.instance.stored ? message.instance.stored.version : null;
      $('#event-log').replaceChildren(...message.log.map(logEntry));
      renderHistory(message.history);
      renderActive();
      renderSteps();
      renderTitle();
      break;
    case 'state':
      if (message.instanceId !== view.selected) break;
      view.active = message.active;
      renderActive();
      if (message.transitions.length) {
        addTransitions(message.transitions);
        markTaken(message.transitions);
      }
      break;
    case 'event':
      if (message.instanceId === view.selected) appendLog(logEntry(message.entry));
      break;
    case 'steps':
      if (message.instanceId !== view.selected) break;
      view.steps = message.steps;
      renderSteps();
      break;
    case 'sent':
      showResult(message.ok, message.ok ? 'sent' : message.error.name + ': ' + message.error.message);
      break;
    case 'error':
      showResult(false, message.message);
      break;
  }
}

// ─── selection ───
function select(instanceId) {
  const instance = view.instances.get(instanceId);
  if (!instance) return;
  view.selected = instanceId;
  view.active = [];
  view.steps = {};
  view.detailVersion = null;
  history.replaceState(null, '', '#instance=' + encodeURIComponent(instanceId));
  $('#event-log').replaceChildren();
  renderHistory(undefined);
  showDiagram(instance.definitionKey);
  renderInstances();
  renderSteps();
  renderTitle();
  renderEventTypes();
  send({ type: 'select', instanceId });
}
function showDefinition(key) {
  view.selected = null;
  view.active = [];
  view.steps = {};
  history.replaceState(null, '', '#definition=' + encodeURIComponent(key));
  $('#event-log').replaceChildren();
  renderHistory(undefined);
  showDiagram(key);
  renderInstances();
  renderSteps();
  renderTitle();
}
function restoreSelection() {
  const [kind, value] = location.hash.slice(1).split('=');
  const id = value ? decodeURIComponent(value) : '';
  if (kind === 'instance' && view.instances.has(id)) select(id);
  else if (kind === 'definition' && view.definitions.some((d) => d.key === id)) showDefinition(id);
  else if (!view.selected && !view.diagramKey && view.instances.size) select(view.instances.keys().next().value);
}

// ─── diagram ───
async function showDiagram(key) {
  if (view.diagramKey === key) return renderActive();
  view.diagramKey = key;
  const container = $('#diagram');
  container.dataset.key = key;
  delete container.dataset.ready;
  container.replaceChildren(el('p', { class: 'note' }, 'Drawing ' + key + '…'));
  try {
    const response = await fetch('/diagram.svg?key=' + encodeURIComponent(key));
    const text = await response.text();
    if (view.diagramKey !== key) return;
    if (!response.ok) throw new Error(text);
    const svg = new DOMParser().parseFromString(text, 'image/svg+xml').documentElement;
    if (svg.nodeName !== 'svg') throw new Error('The server sent no SVG');
    container.replaceChildren(document.importNode(svg, true));
    container.dataset.ready = 'true';
    renderActive();
  } catch (error) {
    if (view.diagramKey === key) container.replaceChildren(el('p', { class: 'note error' }, String(error.message || error)));
  }
}
function renderActive() {
  const active = new Set(view.active);
  const leaves = new Set(view.active.filter((id) => !view.active.some((other) => other.startsWith(id + '.'))));
  for (const node of document.querySelectorAll('#diagram [data-state]')) {
    const id = node.getAttribute('data-state');
    node.classList.toggle('active', active.has(id));
    node.classList.toggle('active-leaf', leaves.has(id));
  }
  $('#current-state').textContent = [...leaves].join(', ');
  $('#diagram').dataset.active = [...leaves].join(' ');
}

function markTaken(transitions) {
  for (const node of document.querySelectorAll('#diagram [data-edge].taken')) node.classList.remove('taken');
  for (const transition of transitions) {
    for (const target of transition.targets.length ? transition.targets : [transition.source]) {
      for (const node of document.querySelectorAll('#diagram [data-edge]')) {
        if (node.getAttribute('data-source') === transition.source && node.getAttribute('data-target') === target) node.classList.add('taken');
      }
    }
  }
}

// ─── lists ───
function renderDefinitions() {
  const items = view.definitions.map((definition) => {
    const button = el('button', { type: 'button' }, el('span', { class: 'kind' }, definition.kind), ' ' + definition.id);
    button.addEventListener('click', () => showDefinition(definition.key));
    return el('li', { 'data-key': definition.key, class: view.diagramKey === definition.key && !view.selected ? 'selected' : '' }, button);
  });
  $('#definitions').replaceChildren(...(items.length ? items : [el('li', { class: 'empty' }, 'No runtime attached')]));
}
function renderInstances() {
  const items = [...view.instances.values()].reverse().map((instance) => {
    const status = statusOf(instance);
    const updated = instance.stored ? ' · updated ' + new Date(instance.stored.updatedAt).toISOString().replace('T', ' ').slice(0, 19) : '';
    const button = el('button', { type: 'button' },
      el('span', { class: 'id' }, instance.instanceId),
      el('span', { class: 'badge ' + status }, status),
      el('small', {}, instance.kind + ' ' + instance.definitionId + updated));
    if (instance.status === 'stored') button.title = 'Stored; it does not run in this process';
    button.addEventListener('click', () => select(instance.instanceId));
    return el('li', {
      'data-instance': instance.instanceId,
      'data-status': status,
      'data-source': instance.status === 'stored' ? 'store' : 'live',
      class: instance.instanceId === view.selected ? 'selected' : '',
    }, button);
  });
  $('#instances').replaceChildren(...(items.length ? items : [el('li', { class: 'empty' }, 'No instances yet')]));
  renderDefinitions();
}
function renderTitle() {
  const instance = view.selected && view.instances.get(view.selected);
  const where = instance && instance.status === 'stored' ? ' (stored)' : '';
  $('#diagram-title').textContent = instance
    ? instance.kind + ' ' + instance.definitionId + ' · ' + instance.instanceId + ' · ' + statusOf(instance) + where
    : view.diagramKey ? view.diagramKey.replace(':', ' ') : 'Select an instance or a definition';
  $('#send-target').textContent = instance ? instance.instanceId + (where ? ' (not running here)' : '') : 'no instance selected';
  $('#send-button').disabled = !instance || instance.status === 'stored';
  if (!instance) $('#current-state').textContent = '';
}
function renderEventTypes() {
  const instance = view.selected && view.instances.get(view.selected);
  const definition = instance && view.definitions.find((d) => d.key === instance.definitionKey);
  $('#event-types').replaceChildren(...(definition ? definition.events : []).map((type) => el('option', { value: type })));
}

// ─── steps ───
const duration = (ms) => (ms < 1000 ? Math.round(ms) + 'ms' : (ms / 1000).toFixed(2) + 's');
function renderSteps() {
  const rows = Object.entries(view.steps).map(([step, timing]) => {
    const took = timing.durationMs !== undefined ? duration(timing.durationMs) : timing.delayMs !== undefined ? 'retry in ' + duration(timing.delayMs) : '…';
    const status = el('td', { class: 'badge ' + timing.status }, timing.status);
    if (timing.error) status.title = timing.error.name + ': ' + timing.error.message;
    return el('tr', { 'data-step': step, 'data-status': timing.status },
      el('td', {}, step), status, el('td', { class: 'attempts' }, String(timing.attempts)), el('td', { class: 'duration' }, took));
  });
  $('#steps tbody').replaceChildren(...(rows.length ? rows : [el('tr', { class: 'empty' }, el('td', { colspan: 4 }, 'No steps'))]));
}

// ─── stored history ───
function renderHistory(entries) {
  const section = $('#history-section');
  section.hidden = entries === undefined;
  $('#history').replaceChildren(...(entries || []).map((entry) => {
    const item = el('li', { 'data-type': entry.type, 'data-seq': entry.seq },
      el('time', { title: new Date(entry.at).toISOString() }, time(entry.at)), el('span', { class: 'type' }, entry.type));
    const data = entry.data === undefined ? '' : JSON.stringify(entry.data);
    if (data && data !== '{}') item.append(el('code', { class: 'payload', title: data }, data));
    return item;
  }));
}

// ─── event log ───
function time(at) {
  if (at > 1e11) return new Date(at).toISOString().slice(11, 23);
  return '+' + (at / 1000).toFixed(3) + 's';
}
function logEntry(entry) {
  const payload = entry.payload === undefined ? '' : JSON.stringify(entry.payload);
  const item = el('li', { 'data-type': entry.type, 'data-seq': entry.seq, class: entry.type.startsWith('xstate.') ? 'internal' : '' },
    el('time', {}, time(entry.at)), el('span', { class: 'type' }, entry.type));
  if (entry.source) item.append(el('span', { class: 'source' }, 'from ' + entry.source));
  if (payload && payload !== '{}') item.append(el('code', { class: 'payload', title: payload }, payload));
  item.append(el('ul', { class: 'transitions' }, ...entry.transitions.map(transitionItem)));
  return item;
}
function transitionItem(transition) {
  const targets = transition.targets.length ? transition.targets.join(', ') : '(stays)';
  return el('li', {}, (transition.source || '(root)') + ' → ' + targets);
}
function appendLog(item) {
  const log = $('#event-log');
  log.append(item);
  while (log.childElementCount > 500) log.firstElementChild.remove();
  log.scrollTop = log.scrollHeight;
}
function addTransitions(transitions) {
  const last = $('#event-log').lastElementChild;
  if (last) last.querySelector('.transitions').append(...transitions.map(transitionItem));
}

// ─── send form ───
function showResult(ok, text) {
  const result = $('#send-result');
  result.dataset.ok = String(ok);
  result.textContent = (ok ? '✓ ' : '✗ ') + text;
}
function submit(event) {
  event.preventDefault();
  if (!view.selected) return showResult(false, 'Select an instance first');
  let payload;
  try {
    payload = JSON.parse($('#send-payload').value.trim() || '{}');
  } catch (error) {
    return showResult(false, 'The payload is not JSON: ' + error.message);
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return showResult(false, 'The payload must be a JSON object');
  const type = $('#send-event').value.trim();
  $('#send-result').textContent = '';
  send({ type: 'send', requestId: 'r' + ++view.requests, instanceId: view.selected, event: type, payload });
}

$('#send-form').addEventListener('submit', submit);
$('#zoom').addEventListener('click', (event) => {
  const actual = $('#diagram').classList.toggle('actual');
  event.target.setAttribute('aria-pressed', String(actual));
  event.target.textContent = actual ? 'fit' : 'actual size';
});
$('#show-internal').addEventListener('change', (event) => $('#event-log').classList.toggle('hide-internal', !event.target.checked));
connect();
`;
