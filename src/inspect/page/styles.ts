/** The page's styles. Active states are the diagram elements with the class `active` (and `active-leaf` for the innermost). */
export const inspectorStyles = `:root {
  --bg: #f7f7f5; --panel: #fff; --line: #dcdcd6; --text: #1f2328; --muted: #6b6f76;
  --accent: #0b6bcb; --active: #2563eb; --active-fill: #dbeafe; --ok: #2b8a3e; --bad: #c92a2a;
  font: 13px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--text); background: var(--bg);
}
* { box-sizing: border-box; }
body { margin: 0; height: 100vh; display: flex; flex-direction: column; }
header { display: flex; align-items: baseline; gap: 16px; padding: 8px 16px; background: #1f2328; color: #fff; }
header h1 { font-size: 15px; margin: 0; font-weight: 600; }
header h1 span { font-weight: 400; opacity: .75; }
#system-name { opacity: .8; }
#connection { margin-left: auto; font-size: 12px; padding: 1px 8px; border-radius: 10px; background: #555; }
#connection[data-status="connected"] { background: var(--ok); }
#connection[data-status="disconnected"] { background: var(--bad); }
main { flex: 1; display: grid; grid-template-columns: 230px minmax(0, 1fr) 380px; min-height: 0; }
main > * { min-height: 0; overflow: auto; }
#sidebar, #details { background: var(--panel); padding: 8px 12px; }
#sidebar { border-right: 1px solid var(--line); }
#details { border-left: 1px solid var(--line); display: flex; flex-direction: column; gap: 4px; }
h2 { font-size: 11px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 10px 0 6px; font-weight: 600; }
.list { list-style: none; margin: 0; padding: 0; }
.list li button { width: 100%; display: flex; flex-wrap: wrap; align-items: center; gap: 6px; text-align: left; border: 0; background: none;
  padding: 5px 6px; border-radius: 5px; cursor: pointer; font: inherit; color: inherit; }
.list li button:hover { background: #f0f0ec; }
.list li.selected button { background: #e7f0fa; box-shadow: inset 3px 0 0 var(--accent); }
.list small { width: 100%; color: var(--muted); }
.list .empty, .empty td { color: var(--muted); font-style: italic; padding: 4px 6px; }
.kind { font-size: 10px; text-transform: uppercase; color: var(--muted); width: 52px; }
.badge { font-size: 11px; border-radius: 8px; padding: 0 6px; background: #eceff3; }
.badge.active, .badge.running { background: #fff0e0; color: #d9480f; }
.badge.done, .badge.completed { background: #e6f4ea; color: var(--ok); }
.badge.error, .badge.failed { background: #fdecec; color: var(--bad); }
.badge.cancelled, .badge.terminated, .badge.stopped { background: #eceff3; color: var(--muted); }
.badge.needs-migration { background: #fff3bf; color: #8a6100; }
.list li[data-source="store"] .id { font-style: italic; }
.history-section ol { list-style: none; margin: 0; padding: 0; max-height: 220px; overflow: auto; font-size: 12px; }
.history-section li { padding: 2px 0; border-bottom: 1px solid #f0f0ec; display: flex; flex-wrap: wrap; gap: 6px; }
.history-section time { color: var(--muted); font-variant-numeric: tabular-nums; }
.history-section .type { font-weight: 600; }
.history-section .payload { width: 100%; font: 11px ui-monospace, SFMono-Regular, Menlo, monospace; color: #444; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.history-section h2 small { text-transform: none; letter-spacing: 0; font-weight: 400; }
#diagram-panel { padding: 8px 16px; display: flex; flex-direction: column; }
.panel-head { display: flex; align-items: baseline; gap: 16px; }
.panel-head > * { flex: none; }
#diagram-title { text-transform: none; letter-spacing: 0; font-size: 14px; color: var(--text); }
#current-state { flex: 1 1 auto; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; color: var(--active); }
.diagram { flex: 1; position: relative; overflow: auto; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 12px; }
.diagram svg { position: absolute; inset: 12px; width: calc(100% - 24px); height: calc(100% - 24px); }
.diagram.actual svg { position: static; width: auto; height: auto; margin: 0 auto; display: block; }
#zoom { flex: none; margin-left: auto; font: inherit; font-size: 12px; padding: 2px 10px; border: 1px solid var(--line); border-radius: 4px; background: var(--panel); cursor: pointer; }
#zoom[aria-pressed="true"] { background: #e7f0fa; }
.diagram .note { color: var(--muted); }
.diagram .note.error { color: var(--bad); white-space: pre-wrap; }
#diagram [data-state] > rect, #diagram rect[data-state] { transition: fill .15s, stroke .15s; }
#diagram [data-state].active > rect, #diagram rect[data-state].active { stroke: var(--active) !important; stroke-width: 2px !important; }
#diagram [data-state].active-leaf > rect, #diagram rect[data-state].active-leaf { fill: var(--active-fill) !important; stroke-width: 3px !important; }
#diagram [data-state].active-leaf > text { font-weight: 600; }
#diagram [data-edge].taken > path { stroke: var(--active) !important; stroke-width: 2.5px !important; }
#diagram [data-edge].taken > polygon { fill: var(--active) !important; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: 3px 6px; border-bottom: 1px solid #eee; }
th { font-weight: 500; color: var(--muted); font-size: 11px; }
td.attempts, td.duration { font-variant-numeric: tabular-nums; }
#send-form { display: grid; grid-template-columns: 1fr; gap: 4px; }
#send-form label { color: var(--muted); font-size: 11px; }
#send-form output { color: var(--text); font-weight: 600; }
#send-form input, #send-form textarea { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; padding: 4px 6px; border: 1px solid var(--line); border-radius: 4px; }
#send-form button { justify-self: start; padding: 4px 14px; border: 0; border-radius: 4px; background: var(--accent); color: #fff; font: inherit; cursor: pointer; }
#send-form button:disabled { background: #aab4c0; cursor: default; }
#send-result[data-ok="true"] { color: var(--ok); }
#send-result[data-ok="false"] { color: var(--bad); }
.log-section { flex: 1; min-height: 120px; display: flex; flex-direction: column; }
.log-section h2 { display: flex; justify-content: space-between; }
.toggle { text-transform: none; letter-spacing: 0; font-weight: 400; }
#event-log { list-style: none; margin: 0; padding: 0; overflow: auto; flex: 1; font-size: 12px; }
#event-log > li { padding: 3px 0; border-bottom: 1px solid #f0f0ec; display: flex; flex-wrap: wrap; gap: 6px; }
#event-log.hide-internal > li.internal { display: none; }
#event-log time { color: var(--muted); font-variant-numeric: tabular-nums; }
#event-log .type { font-weight: 600; }
#event-log li.internal .type { font-weight: 400; color: var(--muted); }
#event-log .source { color: var(--muted); }
#event-log .payload { width: 100%; font: 11px ui-monospace, SFMono-Regular, Menlo, monospace; color: #444; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
#event-log .transitions { width: 100%; list-style: none; margin: 0; padding: 0 0 0 12px; color: var(--active); font: 11px ui-monospace, SFMono-Regular, Menlo, monospace; }
#event-log .transitions:empty { display: none; }
`;
