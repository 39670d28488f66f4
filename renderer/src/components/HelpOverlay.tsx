/** Keyboard and mouse conventions (`?`), from the same table the key handler uses, and About (versions and licences). */
import { KEYBOARD_SHORTCUTS, MOUSE_CONVENTIONS } from '../state/viewerKeys';
import { AboutSection } from './AboutSection';
import { useEscape } from './useEscape';

export function HelpOverlay({ onClose }: { onClose: () => void }) {
  useEscape(true, onClose);
  return (
    <div className="modal-backdrop" role="dialog" aria-label="Keyboard and mouse" data-testid="help-overlay" onClick={onClose}>
      <div className="modal help" onClick={(e) => e.stopPropagation()}>
        <header>
          <strong>Keyboard and mouse · About</strong>
          <span className="sep" />
          <button onClick={onClose} aria-label="Close">✕</button>
        </header>
        <div className="help-columns">
          {[
            ['Mouse', MOUSE_CONVENTIONS],
            ['Keyboard', KEYBOARD_SHORTCUTS],
          ].map(([title, rows]) => (
            <section key={title as string}>
              <h3>{title as string}</h3>
              <table>
                <tbody>
                  {(rows as typeof KEYBOARD_SHORTCUTS).map((r) => (
                    <tr key={r.keys}>
                      <th>{r.keys}</th>
                      <td>{r.action}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          ))}
          <div className="help-about">
            <AboutSection />
          </div>
        </div>
      </div>
    </div>
  );
}
