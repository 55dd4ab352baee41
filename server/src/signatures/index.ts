export { createSignatureVerifier, trustsSigners } from './verifier';
