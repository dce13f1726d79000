// The tutorial's decorator remediation (docs/tutorial-wrapper.md), done right: a decorator on the model call itself, so every route that reaches the model
// passes the check, whatever router it lives on. Fail closed at import, one header, constant-time compare.

import { RULES } from '../../engine/rules/index.js';
import { lit } from '../context.js';
import { type AppRenderInput, appRoute, blocks } from './features.js';
import {
  authNames,
  docstring,
  exampleKeyExport,
  PyImports,
  pyCredentialCheck,
  pyGenerateText,
  pyLockout,
  pyOutputExpr,
  pySecretLoader,
  pyTemplateMarkers,
  pyTokenLimits,
} from './python.js';

export function renderWrapper(input: AppRenderInput): string {
  const { features: f, ctx, model } = input;
  const im = new PyImports();
  const a = authNames(ctx);
  const lockout = f.has('authLockout');
  const route = appRoute(ctx);
  im.std('functools')
    .std('typing', 'Any', 'Awaitable', 'Callable', 'Dict', 'TypeVar')
    .lib('fastapi', 'FastAPI', 'HTTPException', 'Request')
    .lib('fastapi.concurrency', 'run_in_threadpool')
    .lib('pydantic', 'BaseModel');

  const doc = docstring([
    `${input.title} — a decorator on the model call, hardened by Gatecrash${input.rule ? ` for ${input.rule} (${RULES[input.rule].title})` : ''}.`,
    '',
    input.focus,
    '',
    `require_api_key wraps the model call itself: any route that reaches the model needs the ${a.header} header${a.bearer ? ' ("Bearer <key>")' : ''},`,
    `compared in constant time with ${a.envVar}. Unlike the widely copied version, an unset or empty ${a.envVar} stops the`,
    'module from loading instead of making "Bearer None" (or an empty key) the valid credential.',
    'Routes that never call the model are not covered by a decorator: keep docs off, or add the Starlette middleware.',
    '',
    'Run:',
    `    ${exampleKeyExport(a.envVar)}`,
    `    uvicorn app:app --host 127.0.0.1 --port ${ctx.port}`,
  ]);

  const settings = `API_KEY_HEADER = ${lit(a.header)}
API_KEY_IS_BEARER = ${a.bearer ? 'True' : 'False'}
API_KEY_DIGEST = require_secret(${lit(a.envVar)})  # at import: no key, no app`;

  const lockPre = lockout
    ? `        client = request.client.host if request.client else "unknown"
        wait = AUTH_FAILURES.retry_after(client)
        if wait:
            raise HTTPException(status_code=429, detail="Too Many Requests", headers={"Retry-After": str(wait)})
`
    : '';
  const www = a.bearer ? ', headers={"WWW-Authenticate": "Bearer"}' : '';
  const decorator = `F = TypeVar("F", bound=Callable[..., Awaitable[Any]])


def require_api_key(func: F) -> F:
    """The check travels with the function it guards: call it from any route and the key is required."""

    @functools.wraps(func)
    async def wrapper(request: Request, *args: Any, **kwargs: Any) -> Any:
${lockPre}        values = request.headers.getlist(API_KEY_HEADER)
        if not credential_matches(values, API_KEY_DIGEST, API_KEY_IS_BEARER):${
          lockout
            ? '\n            if values:  # a wrong key is a guess; a request without the header guesses nothing\n   ' +
              '             AUTH_FAILURES.failed(client)'
            : ''
        }
            raise HTTPException(status_code=401, detail="Missing or invalid API key"${www})${lockout ? '\n        AUTH_FAILURES.succeeded(client)' : ''}
        return await func(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]`;

  const chat = `@require_api_key
async def mistral_chat(request: Request, user_prompt: str) -> str:
    # The prompt is built by the tokenizer's chat template inside generate_text, never as f"[INST] {user_prompt} [/INST]".
    output = await run_in_threadpool(generate_text, ${f.has('neutralizeInput') ? 'strip_template_markers(user_prompt)' : 'user_prompt'})
    return ${pyOutputExpr(f, 'output')}`;

  const app = `# Docs off: a decorator guards the model call, not FastAPI's own /docs, /redoc and /openapi.json routes.
app = FastAPI(title="LLM inference API", docs_url=None, redoc_url=None, openapi_url=None)


class Prompt(BaseModel):
    ${ctx.promptField}: str


@app.post(${lit(route)})
async def generate(request: Request, body: Prompt) -> Dict[str, str]:
    return {${lit(ctx.outputField)}: await mistral_chat(request, body.${ctx.promptField})}`;

  const helpers = [
    pySecretLoader(im),
    pyCredentialCheck(im),
    lockout ? pyLockout(im) : null,
    f.has('neutralizeInput') || f.has('cleanOutput') ? pyTemplateMarkers(im) : null,
    pyTokenLimits(),
  ];
  const generate = pyGenerateText(im, model, ctx);
  return blocks([doc, im.render(), ...helpers, settings, decorator, generate, chat, app]);
}
