import { distributionUpgrade } from '../../../src/lint/rules/distribution-upgrade';
import { ruleTester } from '../rule-tester';

ruleTester(distributionUpgrade, {
  valid: [
    'FROM debian:12\nRUN apt-get update && apt-get install -y --only-upgrade openssl',
    'FROM alpine:3.20\nRUN apk upgrade --no-cache openssl',
    'FROM fedora:40\nRUN dnf update -y openssl',
  ],
  invalid: [
    { code: 'FROM debian:12\nRUN apt-get update && apt-get upgrade -y && rm -rf /var/lib/apt/lists/*', findings: [{ line: 2, message: '`apt-get upgrade` upgrades every installed package' }] },
    { code: 'FROM ubuntu:24.04\nRUN apt-get update && apt-get dist-upgrade -y', findings: [{ line: 2, message: 'dist-upgrade' }] },
    { code: 'FROM alpine:3.20\nRUN apk upgrade --no-cache', findings: [{ line: 2, message: '`apk upgrade`' }] },
    { code: 'FROM rockylinux:9\nRUN yum -y update && yum clean all', findings: [{ line: 2, message: '`yum update`' }] },
  ],
});
