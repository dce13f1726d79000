// TLS toward an https target: the certificate is verified unless the user turns verification off (--insecure) or names the
// CA that signed it (--ca FILE, read by the face and passed here as PEM text). The certificate the server presented is
// recorded, so the report can say what was trusted and whether anything was verified.
import type { PeerCertificate, TLSSocket } from 'node:tls';
import type { CertificateSeen } from '../types.js';

export interface TlsSettings {
  /** Do not verify the server's certificate (self-signed dev boxes). The report says so. */
  insecure?: boolean;
  /** Extra trusted CA certificates, PEM. */
  ca?: string;
}

/** The options `tls.connect` takes for these settings. */
export function tlsConnectOptions(s: TlsSettings | undefined): { rejectUnauthorized: boolean; ca?: string } {
  return { rejectUnauthorized: !s?.insecure, ...(s?.ca ? { ca: s.ca } : {}) };
}

function name(entity: PeerCertificate['subject'] | undefined): string {
  if (!entity) return '';
  return Object.entries(entity)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`)
    .join(', ')
    .slice(0, 300);
}

/** The peer certificate of a TLS socket in words, or null when the socket is not TLS or shows none. */
export function certificateOf(socket: unknown): CertificateSeen | null {
  const tls = socket as Partial<TLSSocket>;
  if (typeof tls.getPeerCertificate !== 'function') return null;
  const cert = tls.getPeerCertificate(false);
  if (!cert || Object.keys(cert).length === 0) return null;
  const subject = name(cert.subject);
  const issuer = name(cert.issuer);
  return { subject, issuer, validFrom: cert.valid_from, validTo: cert.valid_to, fingerprint256: cert.fingerprint256, selfSigned: subject === issuer };
}

const CERT_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** How that sentence begins (a fleet sweep lists a service it got this far with as HTTPS). */
export const CERTIFICATE_REFUSED = 'The TLS certificate was not accepted';

/** A certificate the client refused, in one sentence that names both ways forward. */
export function certificateRefused(code: string | undefined): string | null {
  if (!code || !CERT_CODES.has(code)) return null;
  return (
    `${CERTIFICATE_REFUSED} (${code}). If you trust this server, pass --ca FILE with the CA that signed its ` +
    'certificate (GATECRASH_CA), or --insecure to scan without verifying it (GATECRASH_INSECURE=1); the report will say so.'
  );
}
