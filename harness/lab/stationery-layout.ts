/**
 * The lab gateway's stationery layout: a text and an HTML version of a
 * company footer with its disclaimer and the layout's unique identification
 * text, built from the lab config's `stationery` keys so the plan's
 * expectations and the lab's behaviour come from one place.
 */

export interface StationeryLayout {
  /** Text whose presence anywhere in a message means "layout already applied". */
  uniqueText: string;
  disclaimer: string;
  /** Appended to text/plain parts. */
  text: string;
  /** Inserted before </body> of text/html parts. */
  html: string;
}

export interface LayoutOptions {
  uniqueText: string;
  disclaimerText?: string | undefined;
  company: string;
}

export const DEFAULT_DISCLAIMER = 'This email and any attachment are confidential and meant only for the addressee.';

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The lab's layout. The HTML is written the way layout editors write it: styled divs, emphasis inside sentences, a marker comment. */
export function labLayout(opts: LayoutOptions): StationeryLayout {
  const disclaimer = opts.disclaimerText ?? DEFAULT_DISCLAIMER;
  const address = `${opts.company} | 1 Harbour Road, Testville`;
  const text = ['-- ', address, disclaimer, opts.uniqueText].join('\r\n');
  // Emphasis splits the sentence across tags, as real layouts do; readers still see one sentence.
  const emphasised = escapeHtml(disclaimer).replace(/\bconfidential\b/, '<b>confidential</b>');
  const html = [
    `<!-- layout ${escapeHtml(opts.uniqueText)} -->`,
    '<div class="mc-stationery" style="margin-top:16px;padding-top:8px;border-top:1px solid #d0d0d0;font-family:Arial,sans-serif;font-size:8pt;color:#595959">',
    `<p style="margin:0"><b>${escapeHtml(opts.company)}</b> | 1 Harbour Road, Testville</p>`,
    `<p style="margin:0">${emphasised}</p>`,
    `<p style="margin:0;font-size:7pt;color:#8c8c8c">${escapeHtml(opts.uniqueText)}</p>`,
    '</div>',
  ].join('\r\n');
  return { uniqueText: opts.uniqueText, disclaimer, text, html };
}
