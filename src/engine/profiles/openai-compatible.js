import { Evidence, isObject, openAiModelList, ownedBy, parseBody, responseAt } from '../surface/signals-read.js';
import { get, openAiInference } from './common.js';
function detect(signals) {
    const ev = new Evidence();
    const list = openAiModelList(signals);
    if (list) {
        const owners = ownedBy(signals);
        ev.add(0.5, `GET /v1/models answers an OpenAI model list${owners.length ? ` (owned_by=${owners.join(',')})` : ''}`);
    }
    else {
        const res = responseAt(signals, '/v1/models');
        const j = parseBody(res);
        if (res && (res.status === 401 || res.status === 403) && isObject(j) && isObject(j['error']) && typeof j['error']['message'] === 'string') {
            ev.add(0.4, `GET /v1/models refused with an OpenAI-style error object (${res.status})`);
        }
    }
    return ev.result();
}
export const openaiCompatibleProfile = {
    id: 'openai-compatible',
    name: 'OpenAI-compatible server',
    kind: 'server',
    defaultPort: 8000,
    detect,
    version: () => null,
    inferenceRoutes: openAiInference('/v1'),
    metadataRoutes: [get('/v1/models', 'metadata', 'model list')],
    managementRoutes: [],
    auth: { headers: ['Authorization'], scheme: 'Bearer', schemeCaseSensitive: true, openWithKey: [], compare: 'unknown' },
};
