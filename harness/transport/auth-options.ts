/**
 * Resolves a config Auth (which only holds secret references) into what the
 * clients need, at use time, so the values never sit in the config object.
 * Microsoft 365 and Gmail have retired basic auth for most tenants, hence XOAUTH2
 * with either a ready access token or the refresh-token flow.
 */
import XOAuth2 from 'nodemailer/lib/xoauth2';
import type { SMTPTransportAuthOptions } from 'nodemailer/lib/smtp-transport';
import type { Auth } from '../config/schema.ts';
import { MailflowError, errorMessage } from '../errors.ts';
import type { SecretStore } from '../config/secret-store.ts';

type OAuth2Auth = Extract<Auth, { type: 'oauth2' }>;

/** nodemailer `auth` for an endpoint; undefined when the endpoint has none. Throws ESECRET on a bad reference. */
export function smtpAuthOptions(auth: Auth | undefined, secrets: SecretStore): SMTPTransportAuthOptions | undefined {
  if (auth === undefined) return undefined;
  if (auth.type === 'password') return { type: 'login', user: auth.user, pass: secrets.reveal(auth.pass) };
  return { type: 'OAuth2', ...xoauth2Options(auth, secrets) };
}

/** An XOAUTH2 access token: the configured one, or one fetched with the refresh token (nodemailer's XOAuth2). */
export async function oauth2AccessToken(auth: OAuth2Auth, secrets: SecretStore, host: string): Promise<string> {
  const options = xoauth2Options(auth, secrets);
  if (options.accessToken !== undefined) return options.accessToken;
  const client = new XOAuth2(options, false);
  return new Promise<string>((resolve, reject) => {
    client.getToken(false, (err, token) => {
      if (err || !token) {
        const why = err ? errorMessage(err) : 'empty token';
        reject(new MailflowError('EAUTH', `${host}: could not obtain an OAuth2 access token for ${auth.user} from ${auth.tokenUrl ?? '(no tokenUrl)'} (${why})`, {}, { cause: err }));
        return;
      }
      resolve(token);
    });
  });
}

function xoauth2Options(auth: OAuth2Auth, secrets: SecretStore): SMTPTransportAuthOptions {
  const out: SMTPTransportAuthOptions = { user: auth.user };
  if (auth.accessToken !== undefined) out.accessToken = secrets.reveal(auth.accessToken);
  if (auth.clientId !== undefined) out.clientId = auth.clientId;
  if (auth.clientSecret !== undefined) out.clientSecret = secrets.reveal(auth.clientSecret);
  if (auth.refreshToken !== undefined) out.refreshToken = secrets.reveal(auth.refreshToken);
  if (auth.tokenUrl !== undefined) out.accessUrl = auth.tokenUrl;
  if (out.accessToken === undefined && (out.refreshToken === undefined || out.clientId === undefined)) {
    throw new MailflowError('ECONFIG', `auth for ${auth.user}: oauth2 needs accessToken, or clientId + refreshToken + tokenUrl`, { path: 'auth' });
  }
  return out;
}
