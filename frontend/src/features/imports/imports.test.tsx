import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactNode } from 'react';
import { Route, Routes } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import { CompanyScope } from '@/shared/companies/current';
import type { Lang } from '@/shared/i18n/i18n';
import { useSession } from '@/shared/session/SessionProvider';
import { fakeApi, fakeXhr, json, myCompany, problem, renderApp, renderWithProviders, signedInRoutes, type Handler } from '@/test/fakeApi';
import { ambiguousPreview, companyLocations, importRecord, posPreview } from '@/test/imports';
import { ImportDetail } from './pages/ImportDetail';
import { Imports } from './pages/Imports';

const POLL_MS = 20;
const EARLIER = '3f2a1c4e-0b1d-4c2e-9a7f-2d5e8b6c1a90';

function WhenSignedIn({ children }: { children: ReactNode }) {
  return useSession().status === 'signedIn' ? children : null;
}

/** The import pages inside the company scope, as App.tsx routes them, polling fast. */
function renderImports(path: string, lang: Lang = 'en') {
  window.history.pushState({}, '', path);
  return renderWithProviders(
    <WhenSignedIn>
      <Routes>
        <Route path="c/:companyId" element={<CompanyScope />}>
          <Route index element={<p>The dashboard</p>} />
          <Route path="imports" element={<Imports pollMs={POLL_MS} />} />
          <Route path="imports/:importId" element={<ImportDetail pollMs={POLL_MS} />} />
        </Route>
      </Routes>
    </WhenSignedIn>,
    lang,
  );
}

const members = [{ user_id: 'u1', email: 'ana@tienda.cl', full_name: 'Ana Pérez', role: 'manager' }];

/** A manager's company, its locations and members, no imports yet; `extra` adds or replaces routes. */
function routes(extra: Record<string, Handler> = {}, role = 'manager'): Record<string, Handler> {
  return {
    ...signedInRoutes(),
    'GET /companies': () => json(200, { items: [myCompany({ role })] }),
    'GET /companies/c1/locations': () => json(200, { items: companyLocations }),
    'GET /companies/c1/members': () => json(200, { items: members }),
    'GET /companies/c1/imports': () => json(200, { items: [], next_cursor: null }),
    ...extra,
  };
}

const csv = (name = 'ventas-octubre.csv', size = 2000) => new File(['a'.repeat(size)], name, { type: 'text/csv' });
const drop = (file: File) => fireEvent.drop(screen.getByTestId('imports-drop'), { dataTransfer: { files: [file] } });

describe('who may load sales', () => {
  it.each([
    ['analyst', '/c/c1/imports'],
    ['viewer', '/c/c1/imports/imp-1'],
  ])('an %s is told who can, and sent to the dashboard', async (role, path) => {
    const api = fakeApi(routes({}, role));
    renderApp(path); // the app's routes: RequireRight guards the imports pages
    expect((await screen.findByTestId('forbidden')).textContent).toContain(`Your role in Tienda Sur is ${role === 'analyst' ? 'Analyst' : 'Viewer'}`);
    expect(screen.getByRole('link', { name: 'Go to the Tienda Sur dashboard' }).getAttribute('href')).toBe('/c/c1');
    expect(api.calls.some((c) => c.path.startsWith('/companies/c1/imports'))).toBe(false);
  });
});

describe('uploading a file', () => {
  it('sends it with its progress, then follows its analysis to the review', async () => {
    let reads = 0;
    fakeApi(
      routes({
        'GET /companies/c1/imports/imp-1': () => json(200, ++reads < 2 ? importRecord({ status: 'analyzing', preview: null }) : importRecord()),
      }),
    );
    const uploads = fakeXhr({ 'POST /companies/c1/imports': () => json(201, importRecord({ status: 'analyzing', preview: null })) }, { hold: true });
    renderImports('/c/c1/imports');
    const user = userEvent.setup();
    await user.upload(await screen.findByLabelText('Choose a file'), csv());

    expect(await screen.findByText('1 kB of 2 kB')).toBeTruthy();
    expect(screen.getByRole('progressbar', { name: 'Upload progress' }).getAttribute('value')).toBe('1000');
    expect(screen.getByText('Uploading "ventas-octubre.csv"…')).toBeTruthy();
    uploads.release();

    expect(await screen.findByRole('heading', { name: 'ventas-octubre.csv' })).toBeTruthy();
    expect(await screen.findByText(/Ayni is reading your file/)).toBeTruthy();
    expect(await screen.findByRole('heading', { name: 'Check what Ayni understood' })).toBeTruthy();
    expect(screen.getByText(/Uploaded by Ana Pérez/).textContent).toContain('4.8 kB');
    const sent = uploads.calls[0]!;
    expect(sent).toMatchObject({ method: 'POST', path: '/companies/c1/imports', auth: 'Bearer access-2' });
    expect(sent.file?.contentType).toBe('text/csv');
    expect(sent.file?.body.size).toBe(2000);
    expect(Object.fromEntries(sent.query)).toEqual({ filename: 'ventas-octubre.csv' });
  });

  it('refuses a file it cannot read before sending a byte, saying why', async () => {
    fakeApi(routes());
    const uploads = fakeXhr({});
    renderImports('/c/c1/imports');
    await screen.findByTestId('imports-drop');
    drop(new File(['%PDF'], 'ventas.pdf', { type: 'application/pdf' }));
    expect(await screen.findByText('"ventas.pdf" is not a file Ayni reads. Export the sales as CSV or Excel (.xlsx) and upload that.')).toBeTruthy();
    drop(new File(['x'], 'ventas.xls'));
    expect(await screen.findByText(/"ventas.xls" is in the old Excel format/)).toBeTruthy();
    drop(new File([], 'vacío.csv'));
    expect(await screen.findByText('"vacío.csv" is empty. Choose the file your point of sale exported.')).toBeTruthy();
    expect(uploads.calls).toHaveLength(0);
  });

  it('shows where a dragged file will drop', async () => {
    fakeApi(routes());
    renderImports('/c/c1/imports');
    const zone = await screen.findByTestId('imports-drop');
    fireEvent.dragEnter(zone);
    expect(zone.className).toContain('imports-drop--over');
    fireEvent.dragLeave(zone);
    expect(zone.className).not.toContain('imports-drop--over');
  });

  it('a file over the size limit: what to do about it', async () => {
    fakeApi(routes());
    fakeXhr({ 'POST /companies/c1/imports': () => problem(413, { type: 'https://ayni.app/problems/body-too-large' }) });
    renderImports('/c/c1/imports', 'es');
    await userEvent.setup().upload(await screen.findByLabelText('Elige un archivo'), csv('ventas-2025.csv'));
    expect(
      await screen.findByText('«ventas-2025.csv» es más grande de lo que Ayni acepta. Exporta períodos más cortos (por ejemplo, un mes por archivo) o comprímelo como .csv.gz.'),
    ).toBeTruthy();
  });

  it('the same file again: explained, and uploaded anyway when the user says so', async () => {
    fakeApi(routes({ 'GET /companies/c1/imports/imp-1': () => json(200, importRecord({ status: 'analyzing', preview: null })) }));
    const uploads = fakeXhr({
      'POST /companies/c1/imports': (req) =>
        req.query.get('allow_duplicate') === 'true'
          ? json(201, importRecord({ status: 'analyzing', preview: null }))
          : problem(409, { type: 'https://ayni.app/problems/duplicate-import', detail: `This file was imported already (import ${EARLIER}); add allow_duplicate=true.` }),
    });
    renderImports('/c/c1/imports');
    const user = userEvent.setup();
    await user.upload(await screen.findByLabelText('Choose a file'), csv());
    expect(await screen.findByText(/You uploaded this same file before \("ventas-octubre.csv"\)/)).toBeTruthy();
    expect(screen.getByRole('link', { name: 'See the earlier import' }).getAttribute('href')).toBe(`/c/c1/imports/${EARLIER}`);
    await user.click(screen.getByRole('button', { name: 'Upload it anyway' }));
    expect(await screen.findByText(/Ayni is reading your file/)).toBeTruthy();
    expect(uploads.calls.map((c) => c.query.get('allow_duplicate'))).toEqual([null, 'true']);
  });

  it('can be cancelled while it is sent', async () => {
    fakeApi(routes());
    fakeXhr({ 'POST /companies/c1/imports': () => json(201, importRecord()) }, { hold: true });
    renderImports('/c/c1/imports');
    const user = userEvent.setup();
    await user.upload(await screen.findByLabelText('Choose a file'), csv());
    await user.click(await screen.findByRole('button', { name: 'Cancel the upload' }));
    await waitFor(() => expect(screen.queryByRole('progressbar')).toBeNull());
    expect(screen.queryByRole('alert', { name: /./ })).toBeNull();
    expect(screen.getByRole('heading', { name: 'Load sales' })).toBeTruthy();
  });

  it('says so when the API cannot be reached', async () => {
    fakeApi(routes());
    vi.stubGlobal(
      'XMLHttpRequest',
      class {
        upload = {};
        onerror: (() => void) | null = null;
        open() {}
        setRequestHeader() {}
        send() {
          setTimeout(() => this.onerror?.(), 0);
        }
      },
    );
    renderImports('/c/c1/imports');
    await userEvent.setup().upload(await screen.findByLabelText('Choose a file'), csv());
    expect(await screen.findByText('We could not reach Ayni. Check your connection and try again.')).toBeTruthy();
  });
});

describe('the review of what Ayni understood', () => {
  it('asks how the dates and numbers read, with a value of the file read each way, and starts with the choices', async () => {
    let record = importRecord({ preview: ambiguousPreview() });
    const api = fakeApi(
      routes({
        'GET /companies/c1/imports/imp-1': () => json(200, record),
        'POST /companies/c1/imports/imp-1/start': () => {
          record = importRecord({ status: 'importing', mode: 'replace', progress: { phase: 'queued', rows_done: 0, rows_total: 2 } });
          return json(202, record);
        },
      }),
    );
    renderImports('/c/c1/imports/imp-1', 'es');
    const user = userEvent.setup();
    const form = await screen.findByRole('form', { name: 'Revisa lo que entendió Ayni' });
    expect(within(form).getByText('El archivo tiene 2 filas, con ventas de estas fechas: 5 de marzo – 3 de abril de 2024.')).toBeTruthy();
    const fecha = within(form).getByText('Fecha', { selector: 'th' }).closest('tr')!;
    expect(within(fecha).getByText('Según cómo se lean (elígelo más abajo).')).toBeTruthy();
    const dates = within(form).getByRole('group', { name: /Las fechas del archivo se pueden leer/ });
    expect(within(dates).getAllByRole('radio').map((r) => r.closest('label')?.textContent)).toEqual([
      'DD-MM-AAAA · «05-03-2024» se lee 5 de marzo de 2024.',
      'MM-DD-AAAA · «05-03-2024» se lee 3 de mayo de 2024.',
    ]);
    const numbers = within(form).getByRole('group', { name: /Los números del archivo/ });
    expect(within(numbers).getAllByRole('radio').map((r) => r.closest('label')?.textContent)).toEqual([
      '1.234,56 (decimales con coma) · «1.500» se lee 1500.',
      '1,234.56 (decimales con punto) · «1.500» se lee 1,5.',
    ]);

    // Nothing chosen yet: the review says what is missing, and sends nothing.
    await user.click(within(form).getByRole('button', { name: 'Cargar las 2 filas' }));
    expect(await within(form).findByText('Revisa los puntos marcados antes de cargar.')).toBeTruthy();
    expect(within(form).getByText('Elige cómo se leen las fechas.')).toBeTruthy();
    expect(within(form).getByText('Elige cómo se leen los números.')).toBeTruthy();
    expect(within(form).getByText('Elige el local de estas ventas.')).toBeTruthy();
    expect(document.activeElement).toBe(dates);
    expect(api.count('POST /companies/c1/imports/imp-1/start')).toBe(0);

    await user.click(within(dates).getByRole('radio', { name: /MM-DD-AAAA/ }));
    await user.click(within(numbers).getByRole('radio', { name: /decimales con punto/ }));
    await user.selectOptions(within(form).getByLabelText(/¿En cuál las cargamos\?/), 'Centro');
    expect(within(form).queryByRole('option', { name: 'Viña (cerrado)' })).toBeNull();
    await user.selectOptions(within(form).getByLabelText('Dato en Ayni para la columna «SKU»'), 'Nombre del producto');
    await user.click(within(form).getByRole('button', { name: 'Cargar las 2 filas' }));

    expect(await screen.findByRole('heading', { name: 'Cargando las ventas' })).toBeTruthy();
    expect(api.calls.find((c) => c.path === '/companies/c1/imports/imp-1/start')).toMatchObject({
      auth: 'Bearer access-2',
      body: {
        mode: 'replace',
        mapping: { sold_at: 'Fecha', product: 'SKU', quantity: 'Cantidad', amount: 'Total' },
        formats: { date: { order: 'MDY', pattern: '%m-%d-%Y' }, number: { decimal: '.', thousands: ',' } },
        location_id: 'loc-2',
      },
    });
  });

  it('shows each column with its field, certainty and examples; a field moved, a location made new; a 422 on its control', async () => {
    let starts = 0;
    const api = fakeApi(
      routes({
        'GET /companies/c1/imports/imp-1': () => json(200, importRecord()),
        'POST /companies/c1/imports/imp-1/start': () =>
          ++starts === 1
            ? problem(422, {
                type: 'https://ayni.app/problems/validation-error',
                errors: [
                  { field: 'mapping.amount', message: "The file has no column 'Observación'.", code: 'invalid-value' },
                  { field: 'locations.Sucursal Ñuñoa', message: 'Not a location of this company.', code: 'invalid-value' },
                ],
              })
            : problem(409, { type: 'https://ayni.app/problems/import-not-ready' }),
      }),
    );
    renderImports('/c/c1/imports/imp-1');
    const user = userEvent.setup();
    const form = await screen.findByRole('form', { name: 'Check what Ayni understood' });
    const row = (column: string) => within(form).getByText(column, { selector: 'th' }).closest('tr')!;
    expect(within(row('Fecha venta')).getByText('Sure')).toBeTruthy();
    expect(within(row('Fecha venta')).getByText('Oct 1, 2025, 08:05 · Oct 2, 2025, 19:30')).toBeTruthy();
    expect(within(row('Precio unitario')).getByText('Likely')).toBeTruthy();
    expect(within(row('Dcto. total')).getByText('Check it')).toBeTruthy();
    expect(within(row('RUT cliente')).getByText('Not shown: Ayni does not keep the customer as written.')).toBeTruthy();
    expect(within(row('Observación')).getAllByText('—')).toHaveLength(2);
    expect(within(form).getByText('Dates: DD-MM-YYYY HH:mm. "08-10-2025 18:57" reads as October 8, 2025 at 18:57.')).toBeTruthy();
    expect(within(form).getByText('Numbers: 1,234.56 (decimal point). "1.088" reads as 1.088.')).toBeTruthy();
    expect(within(form).getByText('Some rows cannot be read and will be left out. When the load ends you will see which, and why.')).toBeTruthy();
    expect(within(form).getByText(/Ayni already has sales for 4 days in the dates of the file \(October 1 – 31, 2025\)/)).toBeTruthy();

    await user.selectOptions(within(form).getByLabelText('Field in Ayni for the column "Observación"'), 'Net amount of the line');
    expect(await within(form).findByText('"Net amount of the line" now comes from the column "Observación"; the column "Total neto" is no longer used.')).toBeTruthy();
    expect(within(row('Observación')).getByText('Your choice')).toBeTruthy();
    expect((within(form).getByLabelText('Field in Ayni for the column "Total neto"') as HTMLSelectElement).value).toBe('');
    await user.selectOptions(within(form).getByLabelText(/Sucursal Providencia/), 'Create the store "Sucursal Providencia"');
    await user.click(within(form).getByRole('radio', { name: /^Add\./ }));
    await user.click(within(form).getByRole('button', { name: 'Load the 31 rows' }));

    const amount = within(form).getByLabelText('Field in Ayni for the column "Observación"');
    await waitFor(() => expect(amount.getAttribute('aria-invalid')).toBe('true'));
    expect(document.activeElement).toBe(amount);
    expect(within(row('Observación')).getByText('This value is not valid.')).toBeTruthy();
    const nunoa = within(form).getByLabelText(/Sucursal Ñuñoa/);
    expect(nunoa.getAttribute('aria-invalid')).toBe('true');
    expect(within(form).getByText('Check the marked points before loading.')).toBeTruthy();
    expect(api.calls.find((c) => c.path === '/companies/c1/imports/imp-1/start')?.body).toEqual({
      mode: 'append',
      mapping: {
        sold_at: 'Fecha venta',
        document_type: 'Tipo doc.',
        ticket: 'N° doc. venta',
        location: 'Nombre sucursal',
        product: 'Producto',
        quantity: 'Cantidad',
        unit_price: 'Precio unitario',
        discount: 'Dcto. total',
        customer: 'RUT cliente',
        amount: 'Observación',
      },
      locations: { 'Sucursal Providencia': 'new', 'Sucursal Ñuñoa': 'new' },
    });

    // Started elsewhere meanwhile: said so, and the import is read again.
    const reads = api.count('GET /companies/c1/imports/imp-1');
    await user.click(within(form).getByRole('button', { name: 'Load the 31 rows' }));
    expect(await screen.findByText(/This import is no longer waiting for review/)).toBeTruthy();
    await waitFor(() => expect(api.count('GET /companies/c1/imports/imp-1')).toBeGreaterThan(reads));
  });

  it('a location column taken from another column, or none: said, or asked', async () => {
    fakeApi(routes({ 'GET /companies/c1/imports/imp-1': () => json(200, importRecord()) }));
    renderImports('/c/c1/imports/imp-1');
    const user = userEvent.setup();
    const form = await screen.findByRole('form', { name: 'Check what Ayni understood' });
    await user.selectOptions(within(form).getByLabelText('Field in Ayni for the column "Observación"'), 'Store or branch');
    expect(within(form).getByText(/Ayni will match the stores of the column "Observación" when loading/)).toBeTruthy();
    await user.selectOptions(within(form).getByLabelText('Field in Ayni for the column "Observación"'), 'Do not use this column');
    expect(within(form).getByLabelText(/Which one do we load them into\?/)).toBeTruthy();
    for (const column of ['Fecha venta', 'Total neto', 'Precio unitario', 'Producto']) {
      await user.selectOptions(within(form).getByLabelText(`Field in Ayni for the column "${column}"`), 'Do not use this column');
    }
    const missing = within(form).getAllByRole('listitem').map((li) => li.textContent);
    expect(missing).toEqual(
      expect.arrayContaining([
        'Choose the column with the date of the sale.',
        'Choose the column with the amount, or the one with the unit price.',
        "Choose the column with the product's code, or the one with its name.",
      ]),
    );
  });

  it('a file without locations, in a company without any: what to do first', async () => {
    fakeApi(
      routes({
        'GET /companies/c1/imports/imp-1': () => json(200, importRecord({ preview: { ...ambiguousPreview(), ambiguous: [] } })),
        'GET /companies/c1/locations': () => json(200, { items: [] }),
      }),
    );
    renderImports('/c/c1/imports/imp-1');
    const form = await screen.findByRole('form', { name: 'Check what Ayni understood' });
    expect(within(form).getByText(/the company has no stores yet/)).toBeTruthy();
    await userEvent.setup().click(within(form).getByRole('button', { name: 'Load the 2 rows' }));
    expect(await within(form).findByText('Check the marked points before loading.')).toBeTruthy();
  });

  it('a file without readable dates cannot load: said, and no start offered', async () => {
    fakeApi(routes({ 'GET /companies/c1/imports/imp-1': () => json(200, importRecord({ preview: { ...posPreview(), reading: null, ready: false } })) }));
    renderImports('/c/c1/imports/imp-1');
    expect(await screen.findByText(/Ayni found no dates it can read in this file/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: /^Load the/ })).toBeNull();
  });
});

describe('a load under way, and its result', () => {
  const importing = (phase: string, done = 0) =>
    importRecord({ status: 'importing', mode: 'replace', progress: { phase, rows_done: done, rows_total: 1000 } });
  const summary = {
    lines_loaded: 30,
    lines_rejected: 150,
    tickets: 14,
    date_from: '2025-10-01',
    date_to: '2025-10-31',
    locations: ['loc-1', 'loc-4'],
    revenue: 350619,
  };
  const rejects = [
    { row: 25, column: 'Fecha venta', value: '31-02-2025 10:00', message: 'not a date in the form DD-MM-YYYY HH:MM' },
    { row: 31, column: null, value: null, message: 'a reason Ayni has no words for' },
  ];

  it('says when an undo gave up and the import is still loaded, and offers the undo again', async () => {
    const record = importRecord({ status: 'succeeded', mode: 'replace', summary, progress: { phase: 'undo_failed', rows_done: 30, rows_total: 30 } });
    fakeApi(routes({ 'GET /companies/c1/imports/imp-1': () => json(200, record) }));
    renderImports('/c/c1/imports/imp-1', 'es');
    const said = await screen.findByText('No se pudo deshacer esta carga: sus líneas siguen en tus cifras. Inténtalo de nuevo en unos minutos.');
    expect(said.closest('[role="alert"]')).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Ventas cargadas' })).toBeTruthy();
    expect(screen.getByRole('button', { name: /Deshacer/ })).toBeTruthy();
  });

  it('shows the phases as they go, then what was loaded, the rows rejected and all of them as a CSV', async () => {
    let record = importing('queued');
    const locations = [...companyLocations, { ...companyLocations[1]!, id: 'loc-4', name: 'Ñuñoa' }];
    const api = fakeApi(
      routes({
        'GET /companies/c1/imports/imp-1': () => json(200, record),
        'GET /companies/c1/locations': () => json(200, { items: api.count('GET /companies/c1/imports/imp-1') > 3 ? locations : companyLocations }),
        'GET /companies/c1/imports/imp-1/rejected.csv': () =>
          new Response('\uFEFFFila,Fecha venta,Motivo\n25,31-02-2025 10:00,not a date\n', { status: 200, headers: { 'Content-Type': 'text/csv' } }),
      }),
    );
    const saved: { name: string; href: string }[] = [];
    let blob: Blob | null = null;
    Object.defineProperty(URL, 'createObjectURL', { configurable: true, value: (b: Blob) => ((blob = b), 'blob:rejected') });
    Object.defineProperty(URL, 'revokeObjectURL', { configurable: true, value: () => undefined });
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push({ name: this.download, href: this.href });
    });
    renderImports('/c/c1/imports/imp-1', 'es');

    expect(await screen.findByText('Ahora: En espera.')).toBeTruthy();
    record = importing('copying', 500);
    expect(await screen.findByText('Ahora: Copiando las líneas.')).toBeTruthy();
    expect(screen.getByText(/500 de 1\.000 filas/)).toBeTruthy();
    const bar = screen.getByRole('progressbar', { name: 'Cargando las ventas' });
    expect(bar.getAttribute('value')).toBe('50');
    expect(screen.getByText('Leyendo el archivo').closest('li')?.className).toContain('imports-step--done');
    record = importing('rollups');
    expect(await screen.findByText('Ahora: Actualizando el panel.')).toBeTruthy();
    record = importRecord({ status: 'succeeded', mode: 'replace', summary, errors: rejects });

    expect(await screen.findByRole('heading', { name: 'Ventas cargadas' })).toBeTruthy();
    const figures = () =>
      Object.fromEntries(
        [...document.querySelectorAll('.imports-figures div')].map((d) => [d.querySelector('dt')?.textContent, d.querySelector('dd')?.textContent]),
      );
    // The locations are read again once the load is done: it created Ñuñoa.
    await waitFor(() => expect(figures().Locales).toBe('Providencia, Ñuñoa'));
    expect(figures()).toEqual({
      'Líneas cargadas': '30',
      Boletas: '14',
      'Venta neta': '$350.619',
      Fechas: '1–31 de octubre de 2025',
      Locales: 'Providencia, Ñuñoa',
      'Filas rechazadas': '150',
    });
    // To the dashboard over the file's days (an older export has nothing in its default last 30 days).
    expect(screen.getByRole('link', { name: 'Ver estas ventas en el panel' }).getAttribute('href')).toBe(
      '/c/c1?period=custom&from=2025-10-01&to=2025-10-31',
    );

    const table = screen.getByRole('table');
    expect(within(table).getAllByRole('row').map((r) => r.textContent)).toEqual([
      'FilaColumnaValorMotivo',
      '25Fecha venta31-02-2025 10:00No es una fecha de la forma DD-MM-YYYY HH:MM.',
      '31——a reason Ayni has no words for',
    ]);
    expect(within(table).getByText('a reason Ayni has no words for').getAttribute('lang')).toBe('en');
    expect(screen.getByText('Se muestran las primeras 2 de 150; descárgalas todas para revisarlas.')).toBeTruthy();

    await userEvent.setup().click(screen.getByRole('button', { name: 'Descargar todas (CSV)' }));
    await waitFor(() => expect(saved).toEqual([{ name: 'ventas-octubre-rechazadas.csv', href: 'blob:rejected' }]));
    expect(await blob!.text()).toContain('25,31-02-2025 10:00,not a date');
    expect(api.calls.find((c) => c.path.endsWith('/rejected.csv'))?.auth).toBe('Bearer access-2');
  });

  it('a download that fails says why; a deleted file of rejected rows is not offered', async () => {
    let kept = true;
    fakeApi(
      routes({
        'GET /companies/c1/imports/imp-1': () => json(200, importRecord({ status: 'succeeded', summary: { ...summary, lines_rejected: 2 }, errors: rejects, file_kept: kept })),
        'GET /companies/c1/imports/imp-1/rejected.csv': () => problem(404, { type: 'https://ayni.app/problems/not-found' }),
      }),
    );
    const view = renderImports('/c/c1/imports/imp-1');
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Download them all (CSV)' }));
    expect(await screen.findByText('We could not find what you are looking for. It may no longer exist.')).toBeTruthy();
    expect(screen.getByText('2 rows could not be read:')).toBeTruthy();
    view.unmount();
    kept = false;
    renderImports('/c/c1/imports/imp-1');
    expect(await screen.findByText(/The file of rejected rows was deleted/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Download them all (CSV)' })).toBeNull();
  });

  it('a failed import: nothing loaded, why, and the rows that made it fail', async () => {
    const cause = { row: null, column: null, value: null, message: '40 of 100 rows were rejected (more than 10 %): nothing was imported.' };
    fakeApi(routes({ 'GET /companies/c1/imports/imp-1': () => json(200, importRecord({ status: 'failed', errors: [cause, rejects[0]] })) }));
    renderImports('/c/c1/imports/imp-1');
    expect(await screen.findByRole('heading', { name: 'The import failed: nothing was loaded' })).toBeTruthy();
    expect(screen.getByText(/^40 of the 100 rows could not be read, more than 10 %, so Ayni loaded none/)).toBeTruthy();
    expect(screen.getAllByRole('row')).toHaveLength(2);
    expect(screen.getByRole('link', { name: 'Upload the file again' }).getAttribute('href')).toBe('/c/c1/imports');
  });

  it('a failure Ayni has no words for: said in general, the API’s reason as a detail', async () => {
    const cause = { row: null, column: null, value: null, message: "The file has no column 'Total'; correct the mapping." };
    fakeApi(routes({ 'GET /companies/c1/imports/imp-1': () => json(200, importRecord({ status: 'failed', errors: [cause] })) }));
    renderImports('/c/c1/imports/imp-1');
    expect(await screen.findByText('Ayni could not load this file. Your figures did not change.')).toBeTruthy();
    expect(screen.getByText("The file has no column 'Total'; correct the mapping.").getAttribute('lang')).toBe('en');
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('an import that does not exist, and one undone', async () => {
    let found = false;
    fakeApi(
      routes({
        'GET /companies/c1/imports/imp-1': () =>
          found ? json(200, importRecord({ status: 'reverted' })) : problem(404, { type: 'https://ayni.app/problems/not-found' }),
      }),
    );
    const view = renderImports('/c/c1/imports/imp-1');
    expect(await screen.findByText('There is no such import in this company. The link may be incomplete.')).toBeTruthy();
    view.unmount();
    found = true;
    renderImports('/c/c1/imports/imp-1');
    expect(await screen.findByText('This import was undone: its lines are no longer in your figures.')).toBeTruthy();
  });
});

describe('following an import', () => {
  it('undone from its result: undoing, then undone, and the figures read again', async () => {
    let record = importRecord({
      status: 'succeeded',
      summary: { lines_loaded: 1, lines_rejected: 0, tickets: 1, date_from: '2025-10-01', date_to: '2025-10-01', locations: ['loc-1'], revenue: 1990 },
    });
    const api = fakeApi(
      routes({
        'GET /companies/c1/imports/imp-1': () => json(200, record),
        'DELETE /companies/c1/imports/imp-1': () => {
          record = importRecord({ status: 'reverting' });
          setTimeout(() => (record = importRecord({ status: 'reverted' })), 80);
          return json(202, record);
        },
      }),
    );
    renderImports('/c/c1/imports/imp-1');
    const user = userEvent.setup();
    expect(await screen.findByText('Providencia')).toBeTruthy();
    const locationReads = api.count('GET /companies/c1/locations');
    await user.click(screen.getByRole('button', { name: 'Undo this import' }));
    await user.click(screen.getByRole('button', { name: 'Yes, undo' }));
    expect(await screen.findByText(/Undoing the import: Ayni is removing its lines/)).toBeTruthy();
    expect(await screen.findByText('This import was undone: its lines are no longer in your figures.')).toBeTruthy();
    await waitFor(() => expect(api.count('GET /companies/c1/locations')).toBeGreaterThan(locationReads));
  });

  it('a refused read says why and can be retried; the company’s locations too', async () => {
    let refuseImport = true;
    let refuseLocations = true;
    const forbidden = () => problem(403, { type: 'https://ayni.app/problems/forbidden' });
    fakeApi(
      routes({
        'GET /companies/c1/imports/imp-1': () => (refuseImport ? forbidden() : json(200, importRecord())),
        'GET /companies/c1/locations': () => (refuseLocations ? forbidden() : json(200, { items: companyLocations })),
      }),
    );
    renderImports('/c/c1/imports/imp-1');
    const user = userEvent.setup();
    expect(await screen.findByText('You are not allowed to do this.')).toBeTruthy();
    refuseImport = false;
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('heading', { name: 'ventas-octubre.csv' })).toBeTruthy();
    expect(await screen.findByText('You are not allowed to do this.')).toBeTruthy();
    refuseLocations = false;
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('form', { name: 'Check what Ayni understood' })).toBeTruthy();
  });
});

describe('the history of imports', () => {
  const item = (id: string, status: string, extra: Record<string, unknown> = {}) =>
    importRecord({ id, status, filename: `${id}.csv`, preview: null, ...extra });

  it('lists them newest first a page at a time, with who and how many lines; undoes one after asking', async () => {
    let first = [
      item('oct', 'succeeded', { summary: { lines_loaded: 1234, lines_rejected: 0, tickets: 1, date_from: null, date_to: null, locations: [], revenue: 0 } }),
      item('nov', 'ready', { created_by: 'u9' }),
      item('sep', 'reverted'),
    ];
    const api = fakeApi(
      routes({
        'GET /companies/c1/imports': (req) =>
          req.query.get('cursor') === 'cur-2'
            ? json(200, { items: [item('ago', 'failed')], next_cursor: null })
            : json(200, { items: first, next_cursor: 'cur-2' }),
        'DELETE /companies/c1/imports/oct': () => {
          first = [item('oct', 'reverting'), ...first.slice(1)];
          setTimeout(() => (first = [item('oct', 'reverted'), ...first.slice(1)]), 60);
          return json(202, first[0]);
        },
      }),
    );
    renderImports('/c/c1/imports');
    const user = userEvent.setup();
    const list = await screen.findByRole('list');
    const card = (name: string) => within(list).getByRole('link', { name }).closest('li')!;
    expect(within(card('oct.csv')).getByText(/Uploaded by Ana Pérez · .* · 1,234 lines/)).toBeTruthy();
    expect(within(card('oct.csv')).getByText('Loaded')).toBeTruthy();
    expect(within(card('nov.csv')).getByText(/Uploaded by someone no longer in the team/)).toBeTruthy();
    expect(within(card('nov.csv')).getByRole('button', { name: 'Discard' })).toBeTruthy();
    expect(within(card('sep.csv')).getByText('Undone')).toBeTruthy();
    expect(within(card('sep.csv')).queryByRole('button')).toBeNull();
    expect(api.calls.find((c) => c.path === '/companies/c1/imports')?.query.get('limit')).toBe('20');

    await user.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await within(list).findByRole('link', { name: 'ago.csv' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();

    await user.click(within(card('oct.csv')).getByRole('button', { name: 'Undo this import' }));
    const question = within(card('oct.csv')).getByText('Undo the import of "oct.csv"? Its lines go and the dashboards are recomputed.');
    expect(document.activeElement).toBe(question);
    await user.click(within(card('oct.csv')).getByRole('button', { name: 'Cancel' }));
    expect(api.count('DELETE /companies/c1/imports/oct')).toBe(0);

    await user.click(within(card('oct.csv')).getByRole('button', { name: 'Undo this import' }));
    await user.click(within(card('oct.csv')).getByRole('button', { name: 'Yes, undo' }));
    expect(await within(card('oct.csv')).findByText('Undone')).toBeTruthy();
    expect(api.count('DELETE /companies/c1/imports/oct')).toBe(1);
    expect(within(card('oct.csv')).queryByRole('button')).toBeNull();
  });

  it('without imports, says so; a failed list can be retried', async () => {
    let fail = true;
    fakeApi(routes({ 'GET /companies/c1/imports': () => (fail ? problem(404) : json(200, { items: [], next_cursor: null })) }));
    renderImports('/c/c1/imports');
    expect(await screen.findByText('We could not find what you are looking for. It may no longer exist.')).toBeTruthy();
    fail = false;
    await userEvent.setup().click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('You have not loaded any sales in this company yet.')).toBeTruthy();
  });

  it('a refused undo says why, and the import stays', async () => {
    fakeApi(
      routes({
        'GET /companies/c1/imports': () => json(200, { items: [item('oct', 'succeeded')], next_cursor: null }),
        'DELETE /companies/c1/imports/oct': () => problem(409, { type: 'https://ayni.app/problems/import-busy' }),
      }),
    );
    renderImports('/c/c1/imports');
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Undo this import' }));
    await user.click(screen.getByRole('button', { name: 'Yes, undo' }));
    expect(await screen.findByText('This import is being processed. Wait until it is done and try again.')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Yes, undo' })).toBeTruthy();
  });
});
