/** The inspector page. Everything it loads is served by the inspector itself: it works with no internet. */
export const inspectorHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>runtime-core inspector</title>
<link rel="stylesheet" href="/inspector.css">
<script src="/inspector.js" type="module"></script>
</head>
<body>
<header>
  <h1>runtime-core <span>inspector</span></h1>
  <span id="system-name"></span>
  <span id="connection" data-status="connecting">connecting…</span>
</header>
<main>
  <nav id="sidebar">
    <section>
      <h2>Definitions</h2>
      <ul id="definitions" class="list"></ul>
    </section>
    <section>
      <h2>Instances</h2>
      <ul id="instances" class="list"><li class="empty">No instances yet</li></ul>
    </section>
  </nav>
  <section id="diagram-panel">
    <div class="panel-head">
      <h2 id="diagram-title">Select an instance or a definition</h2>
      <div id="current-state" title="Active states"></div>
      <button id="zoom" type="button" aria-pressed="false" title="Fit the diagram to the panel, or show it at its own size">actual size</button>
    </div>
    <div id="diagram" class="diagram"></div>
  </section>
  <aside id="details">
    <section>
      <h2>Steps</h2>
      <table id="steps">
        <thead><tr><th>step</th><th>status</th><th>attempts</th><th>duration</th></tr></thead>
        <tbody><tr class="empty"><td colspan="4">No steps</td></tr></tbody>
      </table>
    </section>
    <section id="history-section" class="history-section" hidden>
      <h2>History <small>stored</small></h2>
      <ol id="history"></ol>
    </section>
    <section>
      <h2>Send an event</h2>
      <form id="send-form" autocomplete="off">
        <label>to <output id="send-target">no instance selected</output></label>
        <label for="send-event">event</label>
        <input id="send-event" name="event" list="event-types" placeholder="order.paid" required>
        <datalist id="event-types"></datalist>
        <label for="send-payload">payload (JSON object)</label>
        <textarea id="send-payload" name="payload" rows="3" spellcheck="false">{}</textarea>
        <button id="send-button" type="submit" disabled>Send</button>
        <div id="send-result" role="status"></div>
      </form>
    </section>
    <section class="log-section">
      <h2>Event log <label class="toggle"><input id="show-internal" type="checkbox" checked> internal</label></h2>
      <ol id="event-log"></ol>
    </section>
  </aside>
</main>
</body>
</html>
`;
