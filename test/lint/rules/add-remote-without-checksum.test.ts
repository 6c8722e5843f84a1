import { addRemoteWithoutChecksum } from '../../../src/lint/rules/add-remote-without-checksum';
import { ruleTester } from '../rule-tester';

ruleTester(addRemoteWithoutChecksum, {
  valid: [
    'FROM alpine:3.20\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/t.tgz /tmp/',
    'FROM alpine:3.20\nADD app.tgz /opt/\nADD https://github.com/moby/buildkit.git#v0.14.1 /src',
  ],
  invalid: [{ code: 'FROM alpine:3.20\nADD https://github.com/krallin/tini/releases/download/v0.19.0/tini-static /tini', findings: [{ line: 2, message: 'downloads without --checksum' }] }],
});
