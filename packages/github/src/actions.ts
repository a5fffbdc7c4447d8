/**
 * The actions polyci's workflows use, pinned to a release tag: a moving major tag
 * (`@v4`) would change what an unchanged workflow runs.
 */
export const pinnedActions = {
  checkout: { uses: 'actions/checkout', version: 'v4.2.2' },
  uploadArtifact: { uses: 'actions/upload-artifact', version: 'v4.4.3' },
  downloadArtifact: { uses: 'actions/download-artifact', version: 'v4.1.8' },
  cache: { uses: 'actions/cache', version: 'v4.1.2' },
} as const;

export type PinnedAction = keyof typeof pinnedActions;

/** `owner/name@version` of a pinned action. */
export function actionRef(action: PinnedAction): string {
  const a = pinnedActions[action];
  return `${a.uses}@${a.version}`;
}

/** The action name of a `uses:` value without its version (`actions/checkout`). */
export function actionName(uses: string): string {
  const at = uses.indexOf('@');
  return (at < 0 ? uses : uses.slice(0, at)).toLowerCase();
}
