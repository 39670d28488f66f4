/** About Voxa (in the help overlay): version, and the licences of the models, data and packages it ships (app:about). */
import { useEffect, useState } from 'react';
import type { ChannelResponse } from '../../../common/contract';
import { useWorkstation } from '../app/workstation';

type About = ChannelResponse<'app:about'>;

export function AboutSection() {
  const { client } = useWorkstation();
  const [about, setAbout] = useState<About | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    client.invoke('app:about', {}).then(
      (a) => live && setAbout(a),
      () => live && setError('The licence list could not be loaded.'),
    );
    return () => {
      live = false;
    };
  }, [client]);
  if (error) return <p className="muted">{error}</p>;
  if (!about) return <p className="muted">Loading…</p>;
  return (
    <section className="about" data-testid="about">
      <h3>
        About {about.name} {about.version}
      </h3>
      <p className="muted">Research use; not a medical device. Every mask and measurement must be reviewed by a clinician.</p>
      <h4>Models</h4>
      <ul>
        {about.models.map((m) => (
          <li key={m.id}>
            <strong>
              {m.name} {m.version}
            </strong>{' '}
            — {m.licence}
          </li>
        ))}
      </ul>
      <h4>Data</h4>
      <ul>
        {about.data.map((d) => (
          <li key={d.name}>
            <strong>{d.name}</strong> — {d.licence}. {d.attribution}
          </li>
        ))}
      </ul>
      <h4>Open-source packages ({about.packages.length})</h4>
      <details>
        <summary>Show the list with licences</summary>
        <ul className="about-packages">
          {about.packages.map((p) => (
            <li key={`${p.name}@${p.version}`}>
              {p.name} {p.version} — {p.licence}
            </li>
          ))}
        </ul>
      </details>
    </section>
  );
}
