// The scan view's entry point. A standalone report carries its data in the page; otherwise the view is inside an
// assistant and the host brings the report.
import { startApp } from './app.js';
import { h, untrusted } from './dom.js';
import { readPayload, renderStandalone } from './standalone.js';

const root = document.getElementById('app');
if (root) {
  try {
    const payload = readPayload(document);
    if (payload) renderStandalone(root, payload);
    else void startApp(root);
  } catch (e) {
    root.replaceChildren(h('p', { class: 'status alert', role: 'alert' }, `The report cannot be shown: ${untrusted((e as Error).message)}`));
  }
}
