import { placeholdersIn } from '../template/placeholders';
import { renderUrl } from '../template/payloadTemplate';
import { SettingsError } from './fields';

/**
 * Checks a URL template: an absolute http(s) URL, or a path starting with `/` that is
 * joined to the integration's base URL, using only the allowed variables.
 */
export function checkUrlTemplate(key: string, template: string, allowed: ReadonlySet<string>): void {
  const unknown = placeholdersIn(template).filter(v => !allowed.has(v));
  if (unknown.length) {
    throw new SettingsError(
      `${key} uses unknown variable ${unknown.map(v => `$${v}`).join(', ')}; available here: ${[...allowed]
        .map(v => `$${v}`)
        .join(', ')}`,
    );
  }
  const sample = renderUrl(template, Object.fromEntries([...allowed].map(v => [v, 'X1'])));
  if (sample.startsWith('/')) return;
  let url: URL;
  try {
    url = new URL(sample);
  } catch {
    throw new SettingsError(`${key} '${template}' is not an absolute http(s) URL or a path starting with /`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SettingsError(`${key} must use http or https, not ${url.protocol.replace(':', '')}`);
  }
  if (url.username || url.password) {
    throw new SettingsError(`${key} must not carry credentials; put them in the integration's credentials`);
  }
}

/** The absolute URL of a rendered template, joining paths to the base URL. */
export function absoluteUrl(rendered: string, baseUrl: string): string {
  if (/^https?:\/\//i.test(rendered)) return rendered;
  return `${baseUrl.replace(/\/+$/, '')}/${rendered.replace(/^\/+/, '')}`;
}
