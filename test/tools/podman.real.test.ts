/** The build-tool adapter against real podman (vfs storage, chroot isolation, private libpod state and auth file). */
import { containersToolSuite } from './realToolSuite';

containersToolSuite('podman');
