/**
 * Drives the local hosted sign-in pages over HTTP as a browser would: keeps cookies, follows the pages' own
 * redirects, and stops at the first redirect that leaves the local Cognito (the app's callback URL).
 */
export interface PageResult {
  status: number;
  url: string;
  /** Set when the response redirects away from the local Cognito: the redirect's target. */
  location?: string;
  html: string;
}

export class PageClient {
  readonly cookies = new Map<string, string>();

  constructor(private readonly origin: string) {}

  async get(url: string): Promise<PageResult> {
    return this.follow(url, { method: 'GET' });
  }

  /** Submits the form of the last page at `url` with its CSRF token and these fields. */
  async submit(page: PageResult, fields: Record<string, string>): Promise<PageResult> {
    const action = /<form method="post" action="([^"]+)"/.exec(page.html)?.[1];
    const csrf = /name="_csrf" value="([^"]*)"/.exec(page.html)?.[1];
    if (!action || csrf === undefined) throw new Error(`no form on ${page.url}`);
    const url = new URL(decodeHtml(action), this.origin).toString();
    const body = new URLSearchParams({ _csrf: decodeHtml(csrf), ...fields }).toString();
    return this.follow(url, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  /** Follows the page's link whose target contains `path`, as a click would. */
  async click(page: PageResult, path: string): Promise<PageResult> {
    const href = [...page.html.matchAll(/href="([^"]+)"/g)].map((m) => decodeHtml(m[1]!)).find((h) => h.includes(path));
    if (!href) throw new Error(`no link to ${path} on ${page.url}`);
    return this.get(new URL(href, page.url).toString());
  }

  private async follow(url: string, init: RequestInit): Promise<PageResult> {
    for (let hops = 0; hops < 10; hops++) {
      const res = await fetch(url, {
        ...init,
        redirect: 'manual',
        headers: { ...(init.headers as Record<string, string>), cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      for (const cookie of res.headers.getSetCookie()) {
        const [pair] = cookie.split(';', 1);
        const eq = pair!.indexOf('=');
        const name = pair!.slice(0, eq);
        const value = pair!.slice(eq + 1);
        if (/max-age=0/i.test(cookie) || value === '') this.cookies.delete(name);
        else this.cookies.set(name, value);
      }
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        const next = new URL(location, url);
        if (next.origin !== this.origin) return { status: res.status, url, location: next.toString(), html: await res.text() };
        url = next.toString();
        init = { method: 'GET' };
        continue;
      }
      return { status: res.status, url, html: await res.text() };
    }
    throw new Error('too many redirects');
  }
}

function decodeHtml(text: string): string {
  return text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))).replace(/&amp;/g, '&');
}
