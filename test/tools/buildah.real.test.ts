/** The build-tool adapter against real buildah (vfs storage, chroot isolation, a private auth file). */
import { containersToolSuite } from './realToolSuite';

containersToolSuite('buildah');
