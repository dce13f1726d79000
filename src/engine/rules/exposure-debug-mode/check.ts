// exposure.debug-mode — the web framework's debug pages shown to anyone: read from the cheap phase's answers, no request of
// its own. One finding per framework whose page was seen, on the first path that showed it.
import { defineCheck } from '../define.js';
import family, { DEBUG_PAGES } from './index.js';

export default defineCheck(family, {
  id: 'exposure-debug-mode',
  depth: 'quick',
  async run(ctx) {
    const answered = ctx.surface.signals.all.filter((ex) => ex.response && ex.probe.credentials !== 'user');
    return DEBUG_PAGES.flatMap((page) => {
      const exchange = answered.find(page.shows);
      if (!exchange) return [];
      const path = new URL(exchange.request.url).pathname;
      return [
        ctx.finding({
          rule: 'exposure.debug-mode',
          confidence: 'confirmed',
          severity: page.severity,
          variant: page.framework,
          description:
            `GET ${path} answered ${exchange.response!.status} with the debug page of ${page.framework} to a request without ` +
            `credentials: anyone who reaches the port gets ${page.gives}.`,
          exchange,
          notes: [`debug page: ${page.framework}`],
        }),
      ];
    });
  },
});
