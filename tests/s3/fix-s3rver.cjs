// Fixes two listing bugs of s3rver 3.7.1 (the S3-protocol server Keel's S3 tests run against),
// run by npm after `npm install` / `npm ci` in tests/s3 (see docs/s3.md, "The test server"):
//  1. With a delimiter, keys two or more levels below the prefix were never rolled up into a
//     common prefix (`a/b/c/x` under prefix `a/` did not list `a/b/`): the directory walk skipped them.
//  2. Paging with a delimiter counted only keys against max-keys and built the continuation
//     token from the last key, so a page of only common prefixes crashed the server (HTTP 500) and
//     the next page could repeat or skip prefixes.
// After the fix, keys are listed in order, common prefixes at any depth, and keys and common
// prefixes both count against max-keys, with the token after the last item returned: S3's rules.
// The script refuses to run on anything but s3rver 3.7.1, and is idempotent.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, 'node_modules', 's3rver');
const version = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;
if (version !== '3.7.1') {
  throw new Error(`fix-s3rver.cjs patches s3rver 3.7.1, found ${version}`);
}

const marker = '// Patched by Keel (tests/s3/fix-s3rver.cjs)';

function patch(file, edit) {
  const full = path.join(root, file);
  const text = fs.readFileSync(full, 'utf8');
  if (text.includes(marker)) return;
  const patched = edit(text);
  if (patched === text) throw new Error(`fix-s3rver.cjs: nothing to patch in ${file}`);
  fs.writeFileSync(full, patched);
}

function replaceOnce(text, from, to) {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + from.length) >= 0) {
    throw new Error(`fix-s3rver.cjs: expected exactly one '${from.slice(0, 60)}...'`);
  }
  return text.slice(0, at) + to + text.slice(at + from.length);
}

patch('lib/stores/filesystem.js', text => {
  const start = text.indexOf('    const it = walk(bucketPath, dirPath => {');
  const end = text.indexOf('    const metadataArr = await Promise.all(');
  if (start < 0 || end < start) throw new Error('fix-s3rver.cjs: listObjects not found in lib/stores/filesystem.js');
  const listing = `    ${marker}: every key under the prefix, in order; keys and common
    // prefixes (at any depth) both count against max-keys; nextMarker is the last item returned.
    const it = walk(
      bucketPath,
      dirPath => dirPath.startsWith(prefixPath) || prefixPath.startsWith(dirPath),
    );
    const objectSuffix = format(S3RVER_SUFFIX, '', 'object');
    const all = [];
    for (const keyPath of it) {
      if (!keyPath.endsWith(objectSuffix)) continue;
      const key = FilesystemStore.decodeKeyPath(
        keyPath.slice(bucketPath.length + 1, -objectSuffix.length),
      );
      if (key.startsWith(prefix)) all.push(key);
    }
    all.sort();

    const commonPrefixes = new Set();
    const keys = [];
    let isTruncated = false;
    let nextMarker;
    let count = 0;
    for (const key of all) {
      if (key <= startAfter) continue;
      let item = key;
      let isPrefix = false;
      if (delimiter) {
        const idx = key.slice(prefix.length).indexOf(delimiter);
        if (idx !== -1) {
          item = key.slice(0, prefix.length + idx + delimiter.length);
          isPrefix = true;
        }
      }
      if (isPrefix && (item <= startAfter || commonPrefixes.has(item))) continue;
      if (count >= maxKeys) {
        isTruncated = true;
        break;
      }
      if (isPrefix) commonPrefixes.add(item);
      else keys.push(key);
      nextMarker = item;
      count++;
    }

`;
  let patched = text.slice(0, start) + listing + text.slice(end);
  patched = replaceOnce(patched, '      isTruncated,\n    };', '      isTruncated,\n      nextMarker,\n    };');
  return patched;
});

patch('lib/controllers/bucket.js', text => {
  let patched = text.split('result.objects[result.objects.length - 1].key').join('result.nextMarker');
  patched = replaceOnce(patched, "'use strict';", `'use strict';\n${marker}: continuation tokens and markers from the last item listed.`);
  return patched;
});
