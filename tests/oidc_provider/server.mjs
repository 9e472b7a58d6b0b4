// A real OpenID Connect provider for the tests (the certified npm package `oidc-provider`), on loopback.
//
// Started by tests/oidc.py. Environment: CLIENT_ID, CLIENT_SECRET, REDIRECT_URIS (comma list).
// It listens on a free port of 127.0.0.1 and prints one line, "ready <issuer>", when it answers.
// Storage is oidc-provider's in-memory adapter; the signing key is made at start.
//
// Besides the provider itself it has:
//   PUT /test/accounts/<sub>   (JSON {email, email_verified, name, amr, acr}) — a test's account;
//   GET /interaction/<uid>     — the sign-in page: one field, the account's subject;
//   POST /interaction/<uid>    — signs that account in, with the account's amr and acr.
// Consent is given at once (the portal is a first-party client): a grant for the asked scopes.

import http from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';

import Provider from 'oidc-provider';

const accounts = new Map();

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!DOCTYPE html>
<html lang="sv">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)}</title></head>
<body><main><h1>${escape(title)}</h1>${body}</main></body>
</html>`;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res, status, html) {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end(html);
}

let provider;
const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, 'http://127.0.0.1');
    const accountPath = url.pathname.match(/^\/test\/accounts\/([^/]+)$/);
    if (accountPath && req.method === 'PUT') {
      const claims = JSON.parse(await readBody(req));
      accounts.set(decodeURIComponent(accountPath[1]), claims);
      res.writeHead(204);
      res.end();
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204);
      res.end();
      return;
    }
    const interaction = url.pathname.match(/^\/interaction\/([^/]+)$/);
    if (interaction) {
      await interact(req, res);
      return;
    }
    provider.callback()(req, res);
  } catch (error) {
    console.error(error);
    if (!res.headersSent) send(res, 500, page('Fel', `<p>${escape(error.message)}</p>`));
  }
});

async function interact(req, res) {
  const details = await provider.interactionDetails(req, res);
  const { prompt, params, session } = details;
  if (prompt.name === 'consent') {
    const grant = new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    grant.addOIDCScope(params.scope);
    await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, {
      mergeWithLastSubmission: true,
    });
    return;
  }
  let error = '';
  if (req.method === 'POST') {
    const form = new URLSearchParams(await readBody(req));
    const sub = form.get('account') || '';
    const account = accounts.get(sub);
    if (account) {
      await provider.interactionFinished(req, res, {
        login: { accountId: sub, amr: account.amr || ['pwd'], acr: account.acr || undefined, remember: false },
      }, { mergeWithLastSubmission: false });
      return;
    }
    error = '<p id="account-error">Det finns inget sådant konto.</p>';
  }
  send(res, 200, page('Logga in hos testlänet', `
<form method="post" action="/interaction/${escape(details.uid)}">
  <label for="account">Konto</label>
  <input id="account" name="account" autocomplete="username"${error ? ' aria-describedby="account-error"' : ''}>
  ${error}
  <button type="submit">Logga in</button>
</form>`));
}

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: randomBytes(8).toString('hex'), use: 'sig', alg: 'RS256' };
  provider = new Provider(issuer, {
    clients: [{
      client_id: process.env.CLIENT_ID,
      client_secret: process.env.CLIENT_SECRET,
      redirect_uris: process.env.REDIRECT_URIS.split(','),
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    claims: {
      acr: null, amr: null, auth_time: null, iss: null, sid: null,
      openid: ['sub', 'acr', 'amr', 'auth_time'], email: ['email', 'email_verified'], profile: ['name'],
    },
    // The ID token carries the scopes' claims (the portal reads the address from it).
    conformIdTokenClaims: false,
    async findAccount(ctx, sub) {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        async claims() {
          return { sub, email: account.email, email_verified: account.email_verified, name: account.name };
        },
      };
    },
  });
  provider.on('server_error', (ctx, error) => console.error(error));
  console.log(`ready ${issuer}`);
});
