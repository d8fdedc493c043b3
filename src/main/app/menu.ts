// The application menu: standard roles only (copy/paste and window shortcuts work, nothing custom).
import { Menu, type MenuItemConstructorOptions } from 'electron';

export function installAppMenu(options: { isMac: boolean; withDevTools: boolean }): void {
  const view: MenuItemConstructorOptions[] = [
    { role: 'reload' },
    ...(options.withDevTools ? [{ role: 'toggleDevTools' } as const] : []),
    { type: 'separator' },
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  const template: MenuItemConstructorOptions[] = [
    ...(options.isMac ? [{ role: 'appMenu' } as const] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
