// The MCP SDK's Node shims as the bundled CLI uses them (scripts/bundle-cli.mjs aliases `@modelcontextprotocol/server/_shims`
// here). The SDK's own shim imports Ajv, some 300 KB of code, to validate elicitation answers against a JSON Schema;
// Gatecrash never elicits, so Ajv is loaded from the SDK's own shim on the first validation instead of at every start.
import { createRequire } from 'node:module';
import process from 'node:process';

const require = createRequire(import.meta.url);

export class DefaultJsonSchemaValidator {
  #ajv;

  getValidator(schema) {
    this.#ajv ??= new (require('@modelcontextprotocol/server/_shims').DefaultJsonSchemaValidator)();
    return this.#ajv.getValidator(schema);
  }
}

export { process };
