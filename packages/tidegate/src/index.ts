export { ControlPlane, CONTROLLER_NAME, type ControlPlaneOptions } from './control-plane';
export type { PublishReport } from './pipeline/publish';
export type { TranslatedState } from './pipeline/translate';
