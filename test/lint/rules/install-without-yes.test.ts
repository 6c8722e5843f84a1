import { installWithoutYes } from '../../../src/lint/rules/install-without-yes';
import { ruleTester } from '../rule-tester';

ruleTester(installWithoutYes, {
  valid: [
    'FROM debian:12\nRUN apt-get update && apt-get install -y curl && apt-get -qq install wget && apt-get install --yes git && apt-get -yq install make',
    'FROM debian:12\nRUN apt-get -o APT::Get::Assume-Yes=true install curl',
    'FROM rockylinux:9\nRUN dnf -y install httpd && yum install -y mod_ssl && microdnf install nginx',
    'FROM opensuse/leap:15.6\nRUN zypper --non-interactive install curl && zypper -n in git && zypper install -y make',
    'FROM debian:12\nRUN apt-get update && apt-get clean',
  ],
  invalid: [
    // Issue 17's shape: apt-get install without -y in an otherwise careful RUN.
    { code: 'FROM debian:bookworm-slim\nRUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install --no-install-recommends curl', findings: [{ line: 2, message: '`apt-get install` without -y' }] },
    { code: 'FROM fedora:40\nRUN dnf install httpd', findings: [{ line: 2, message: '`dnf install`' }] },
    { code: 'FROM opensuse/leap:15.6\nRUN zypper install curl', findings: [{ line: 2, message: '`zypper install`' }] },
    { code: 'FROM debian:12\nRUN apt-get purge gcc', findings: [{ line: 2, message: '`apt-get purge`' }] },
  ],
});
