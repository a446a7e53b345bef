import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { loadBuffer, openFresh } from './helpers';

const good = 'x,y,label\n1,2,a\n3,4,b\n5,6,a\n7,8,b\n';

test.describe('bad input gets a clear message in the Data cell and the previous dataset stays', () => {
  test.beforeEach(async ({ page }) => {
    await openFresh(page);
    await loadBuffer(page, 'good.csv', good);
    await expect(page.getByTestId('dataset-name')).toHaveText('good.csv');
  });

  const cases: { name: string; file: string; content: string | Buffer; message: RegExp }[] = [
    { name: 'empty file', file: 'empty.csv', content: '', message: /empty/ },
    { name: 'binary file', file: 'song.csv', content: Buffer.from([0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x41, 0x56, 0x45, 1, 2, 0, 0, 3]), message: /binary/ },
    { name: 'non-numeric value', file: 'text.csv', content: 'x,y,label\n1,2,a\n3,oops,b\n', message: /Line 3, column "y".*not a number/ },
    { name: 'NaN', file: 'nan.csv', content: 'x,y,label\n1,2,a\n3,NaN,b\n', message: /not a finite number/ },
    { name: 'duplicate columns', file: 'dup.csv', content: 'x,x,label\n1,2,a\n3,4,b\n', message: /Duplicate column names: "x"/ },
    { name: 'one genre only', file: 'one.csv', content: 'x,label\n1,a\n2,a\n', message: /Only one genre/ },
    { name: 'ragged rows', file: 'ragged.csv', content: 'x,y,label\n1,2,a\n3,b\n', message: /Line 3 has 2 fields but the header has 3/ },
    // Was: 2 of 4 rows loaded, the rest of the file one genre name.
    { name: 'unclosed quote', file: 'quote.csv', content: 'x,y,label\n1,2,a\n3,4,"b\n5,6,a\n7,8,b\n', message: /quote\.csv: Line 3, column "label": a quote \(".*never closed/ },
    { name: 'decimal comma', file: 'comma.csv', content: 'x;y;label\n1,5;2;a\n3;4;b\n', message: /Line 2, column "x": "1,5" is not a number\. It has a decimal comma/ },
    { name: 'absurd genre name', file: 'long.csv', content: `x,label\n1,${'g'.repeat(500)}\n2,b\n`, message: /Line 2, column "label": a genre name of 500 characters/ },
  ];
  for (const c of cases) {
    test(c.name, async ({ page }) => {
      await loadBuffer(page, c.file, c.content);
      const err = page.getByTestId('cell-data').getByTestId('error');
      await expect(err).toBeVisible();
      await expect(err).toContainText(c.message);
      await expect(page.getByTestId('dataset-name')).toHaveText('good.csv');
      await expect(page.getByTestId('summary-rows')).toHaveText('4');
    });
  }

  test('no label column: the student picks it and the table loads', async ({ page }) => {
    await loadBuffer(page, 'nolabel.csv', 'song,style,a,b\ns1,rock,1,2\ns1,rock,2,3\ns2,jazz,5,6\ns3,jazz,7,8\n');
    await expect(page.getByTestId('cell-data').getByTestId('error')).toContainText(/No label column/);
    await page.getByTestId('label-column').selectOption('style');
    await page.getByTestId('track-column').selectOption('song');
    await page.getByTestId('label-load').click();
    await expect(page.getByTestId('dataset-name')).toHaveText('nolabel.csv');
    await expect(page.getByTestId('summary-tracks')).toHaveText('3');
    await expect(page.getByTestId('cell-data').getByTestId('error')).toHaveCount(0);
  });

  test('a Latin-1 table loads with its accents and a notice; a UTF-16 one loads too', async ({ page }) => {
    await loadBuffer(page, 'latin1.csv', Buffer.from('x,label\n1,cl\xe1sica\n2,rock\n3,cl\xe1sica\n4,rock\n', 'latin1'));
    await expect(page.getByTestId('dataset-name')).toHaveText('latin1.csv');
    await expect(page.getByTestId('dataset-summary')).toContainText('clásica');
    await expect(page.getByTestId('summary-encoding')).toHaveText('Windows-1252');
    await expect(page.getByTestId('dataset-notices')).toContainText(/Not valid UTF-8: 2 byte\(s\) \(lines 2, 4\)/);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('x,label\n1,a\n2,b\n3,a\n', 'utf16le')]);
    await loadBuffer(page, 'utf16.csv', utf16);
    await expect(page.getByTestId('dataset-name')).toHaveText('utf16.csv');
    await expect(page.getByTestId('summary-rows')).toHaveText('3');
    await expect(page.getByTestId('summary-encoding')).toHaveText('UTF-16LE');
  });

  test('Export CSV writes a formula loaded from a table as text, and numbers as numbers', async ({ page }) => {
    // 57 features make it a Kaggle 30 s table, which the Export button writes back.
    const feats = Array.from({ length: 57 }, (_, i) => `f${i}`);
    const row = (name: string, genre: string, first: number) => [name, '66149', ...feats.map((_, i) => String(first + i)), genre].join(',');
    const csv = [['filename', 'length', ...feats, 'label'].join(','), row('"=HYPERLINK(""http://evil"",""x"")"', 'blues', 1), row('rock.00001.wav', 'rock', -2.5), ''].join('\n');
    await loadBuffer(page, 'features_30_sec.csv', csv);
    await expect(page.getByTestId('dataset-name')).toHaveText('features_30_sec.csv');
    const download = page.waitForEvent('download');
    await page.getByTestId('export-csv').click();
    const lines = readFileSync((await (await download).path())!, 'utf8').trim().split('\n');
    expect(lines[1]!.startsWith(`"'=HYPERLINK(""http://evil"",""x"")",66149,1,2,`)).toBe(true);
    expect(lines[2]!.startsWith('rock.00001.wav,66149,-2.5,-1.5,')).toBe(true);
  });

  test('BOM, CRLF and semicolons load fine', async ({ page }) => {
    await loadBuffer(page, 'semi.csv', '\uFEFFx;y;genre\r\n1;2;a\r\n3;4;b\r\n5;6;b\r\n');
    await expect(page.getByTestId('dataset-name')).toHaveText('semi.csv');
    await expect(page.getByTestId('summary-features')).toHaveText('2');
  });
});
