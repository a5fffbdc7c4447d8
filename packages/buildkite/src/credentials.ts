/**
 * Literal credentials in imported env: a password, token or key written into a
 * pipeline file. The importer turns each into a secret reference by name and says
 * so (PCI044) without ever repeating the value.
 */

const credentialName = /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;
const onlyReference = /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/;

/** Does this env entry hold a credential written literally? */
export function isLiteralCredential(name: string, value: string): boolean {
  return credentialName.test(name) && value.trim() !== '' && !onlyReference.test(value.trim());
}
