// zod compiles each object schema into a function (`new Function`) on its first parse, which pays off after many parses.
// The CLI and `gatecrash mcp` parse most schemas a handful of times, so compiling only costs start-up time: the faces
// turn it off before any schema is built (imported first by cli.ts; the flag is read when a schema is constructed).
import { config } from 'zod/v4/core';

config({ jitless: true });
