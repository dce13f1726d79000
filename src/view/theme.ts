// The host's look and size, applied to the view: its light or dark theme, the standard style variables it shares
// (colours, fonts, radii; the view's stylesheet has a default for each it uses), and its container's dimensions.
// Fonts the host would load from the network are not applied: the view loads nothing (its CSP forbids it).
import type { McpUiHostContext, McpUiStyleVariableKey } from '@modelcontextprotocol/ext-apps';

/** The style variables the view's stylesheet reads; any other key a host sends is ignored. */
const USED_VARIABLES: readonly McpUiStyleVariableKey[] = [
  '--color-background-primary',
  '--color-background-secondary',
  '--color-background-tertiary',
  '--color-text-primary',
  '--color-text-secondary',
  '--color-border-primary',
  '--color-border-secondary',
  '--color-ring-primary',
  '--font-sans',
  '--font-mono',
  '--border-radius-sm',
  '--border-radius-md',
];

/** A CSS value a host may set: printable, no braces or semicolons that could end the declaration, not too long. */
const SAFE_VALUE = /^[^{};<>\\]{1,200}$/;

export function applyHostContext(context: McpUiHostContext, root: HTMLElement = document.documentElement): void {
  if (context.theme === 'light' || context.theme === 'dark') root.setAttribute('data-theme', context.theme);
  const variables = context.styles?.variables;
  if (variables) {
    for (const key of USED_VARIABLES) {
      const value = variables[key];
      if (typeof value === 'string' && SAFE_VALUE.test(value)) root.style.setProperty(key, value);
    }
  }
  const dims = context.containerDimensions;
  if (dims) {
    // A fixed height fills the container and scrolls inside it; a maximum lets the content decide, up to it.
    if ('height' in dims && typeof dims.height === 'number') {
      root.setAttribute('data-fixed-height', '');
      root.style.height = `${dims.height}px`;
    } else if ('maxHeight' in dims && typeof dims.maxHeight === 'number') {
      root.removeAttribute('data-fixed-height');
      root.style.height = '';
      root.style.maxHeight = `${dims.maxHeight}px`;
    }
  }
}

/**
 * Tells the host the view's size whenever it changes (once per frame at most), so a host that sizes the frame to its
 * content shows all of it.
 */
export function reportSize(send: (size: { width: number; height: number }) => void, root: HTMLElement = document.documentElement): void {
  let last = '';
  let scheduled = false;
  const measure = () => {
    scheduled = false;
    const size = { width: Math.ceil(root.scrollWidth), height: Math.ceil(document.body.scrollHeight) };
    const key = `${size.width}x${size.height}`;
    if (key === last) return;
    last = key;
    send(size);
  };
  const observer = new ResizeObserver(() => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(measure);
  });
  observer.observe(document.body);
  measure();
}
