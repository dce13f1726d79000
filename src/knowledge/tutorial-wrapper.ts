// The tutorial wrapper (docs/tutorial-wrapper.md: POST /generate {"text"} → {"generated"}), fixed: complete, runnable code for tests and demos.
import type { RuleId } from '../engine/types.js';
import { defaultContext } from './context.js';
import { remediationForRules } from './remediation.js';
import type { ModelCall } from './templates/features.js';
import type { RemediationContext, RemediationSnippet } from './types.js';

export type TutorialWrapperFramework = 'fastapi' | 'starlette' | 'flask' | 'wrapper' | 'express';

export interface TutorialWrapperAppOptions {
  /** Rules the app must close (default: auth.missing). Rules with no fix on the framework are listed in the notes. */
  rules?: RuleId[];
  /** The model call; default a stub that returns a fixed reply, so the app runs without a model. */
  model?: ModelCall;
  /** Port the run line uses (default 8000); the app itself is started by the caller (uvicorn --port, PORT=…). */
  port?: number;
  /** Overrides: header name, scheme, key variable (default MISTRAL_API_KEY, the tutorial's). */
  context?: Partial<RemediationContext>;
}

/** The tutorial's context: POST /generate with {"text"}, answering {"generated"}, key in MISTRAL_API_KEY. */
export function tutorialWrapperContext(
  framework: TutorialWrapperFramework,
  options: Pick<TutorialWrapperAppOptions, 'port' | 'context'> = {},
): RemediationContext {
  const port = options.port ?? 8000;
  const wrapper = framework === 'wrapper';
  return defaultContext(framework, {
    url: `http://127.0.0.1:${port}/generate`,
    paths: ['/generate'],
    promptField: 'text',
    outputField: 'generated',
    // The tutorial's FastAPI fix used X-API-Key; its decorator used Authorization: Bearer.
    headerName: wrapper ? 'Authorization' : 'X-API-Key',
    scheme: wrapper ? 'Bearer' : null,
    envVar: 'MISTRAL_API_KEY',
    body: JSON.stringify({ text: 'Hello' }),
    ...options.context,
  });
}

/**
 * The tutorial's vulnerable app, fixed for the given rules on one framework. The code is a complete app: Python files run under
 * `uvicorn app:app` (FastAPI, Starlette, wrapper) or `flask --app app run` / gunicorn (Flask); Express runs with
 * `node server.mjs` and reads PORT. Without the key variable every one of them refuses to start.
 */
export function renderTutorialWrapperApp(framework: TutorialWrapperFramework, options: TutorialWrapperAppOptions = {}): RemediationSnippet {
  const ctx = tutorialWrapperContext(framework, options);
  return remediationForRules(options.rules ?? ['auth.missing'], framework, ctx, { model: options.model ?? { kind: 'stub' } });
}
