import { Evidence, findHeader, responses } from '../surface/signals-read.js';
import { AUTHOR_WRITTEN_AUTH, WRAPPER_SIBLINGS } from './common.js';
function detect(signals) {
    const ev = new Evidence();
    const all = responses(signals);
    if (all.length === 0 || findHeader(signals, 'server') || findHeader(signals, 'x-powered-by'))
        return ev.result();
    const nodeKeepAlive = all.filter(({ res }) => /^timeout=5$/i.test(res.headers['keep-alive'] ?? ''));
    if (nodeKeepAlive.length === all.length)
        ev.add(0.3, `every answer carries Node's keep-alive: timeout=5 and no server header`);
    return ev.result();
}
export const nodeHttpProfile = {
    id: 'node-http',
    name: 'Node.js http server',
    kind: 'framework',
    defaultPort: 3000,
    detect,
    version: () => null,
    inferenceRoutes: WRAPPER_SIBLINGS,
    metadataRoutes: [],
    managementRoutes: [],
    auth: AUTHOR_WRITTEN_AUTH,
};
