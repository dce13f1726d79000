// auth.credentials-ignored — with the user's key: does it change anything? The inference routes are tried with and without the
// key (the request without it is auth.missing's own probe, sent once). When no route refuses the request without the key and
// one answers both the same way (same status, model output both times), the key is not needed or not read: info, because the
// danger itself is auth.missing's, but the user deserves to know that the credential they configured does nothing.

import { keyedRoute, reached, userCredential } from '../../probes/credentials.js';
import { line } from '../../probes/differential.js';
import { describeServer } from '../../surface/inference.js';
import { defineCheck } from '../define.js';
import family from './index.js';

export default defineCheck(family, {
  id: 'auth-credentials-ignored',
  depth: 'standard',
  async run(ctx) {
    const cred = userCredential(ctx.target);
    if (!cred) {
      ctx.mark('auth.credentials-ignored', 'skipped', 'needs your credentials (--header or --bearer)');
      return [];
    }
    const result = await keyedRoute(ctx, cred);
    if (result.ok) return []; // the key makes the difference somewhere: it is read
    if (!result.ignored) {
      ctx.mark('auth.credentials-ignored', 'inconclusive', result.reason);
      return [];
    }
    const { withKey, withoutKey, route } = result.ignored;
    const a = withKey.response;
    const b = withoutKey.response;
    if (!a || !b || a.status !== b.status || !reached(withKey, ctx.options.prompt) || !reached(withoutKey, ctx.options.prompt)) return [];
    const { server } = describeServer(ctx.surface);
    return [
      ctx.finding({
        rule: 'auth.credentials-ignored',
        confidence: 'confirmed',
        description:
          `${route.method} ${route.path}${server} answered the same with your ${cred.header} (${line(withKey)}) and without it (${line(withoutKey)}): ` +
          'the key you configured is either not needed (see auth.missing) or not read, for example because the ' +
          'server expects another header or has authentication switched off.',
        exchange: withKey,
        extra: [withoutKey],
        notes: [`header: ${cred.header}`, 'the same one-token request, with and without your credentials'],
      }),
    ];
  },
});
