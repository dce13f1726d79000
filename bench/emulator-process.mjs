// One test emulator in a process of its own, as a real server is: the scanner's event loop and the server's do not share
// a core. Prints the emulator's URL on stdout, serves until stdin closes.
// Usage: node bench/emulator-process.mjs '{"module":"llamacpp","start":"startLlamaCpp","options":{"threadsHttp":3}}'
// The emulators are the test suite's (test/targets/), compiled by `npm run bench` into dist-bench/test/targets/.
const { module, start, options } = JSON.parse(process.argv[2] ?? '{}');
const emulator = await import(new URL(`../dist-bench/test/targets/${module}.js`, import.meta.url).href);
const target = await emulator[start](options ?? {});
process.stdout.write(`${target.url}\n`);
process.stdin.on('end', () => target.close().then(() => process.exit(0)));
process.stdin.resume();
