import { unpinnedLanguagePackage } from '../../../src/lint/rules/unpinned-language-package';
import { ruleTester } from '../rule-tester';

ruleTester(unpinnedLanguagePackage, {
  valid: [
    'FROM python:3.12-slim\nRUN pip install --no-cache-dir -r requirements.txt flask==3.0.3 "gunicorn>=22"',
    'FROM python:3.12-slim\nRUN pip install --no-cache-dir . && python -m pip install -e ./lib',
    'FROM node:20\nRUN npm install -g typescript@5.5.4 && npm ci && npm install express',
    'FROM ruby:3.3\nRUN gem install bundler -v 2.5.16 && gem install rake:13.2.1',
    'FROM golang:1.22\nRUN go install golang.org/x/tools/gopls@v0.16.1 && go install ./cmd/app',
  ],
  invalid: [
    { code: 'FROM python:3.12-slim\nRUN pip install --no-cache-dir --upgrade pip setuptools', findings: [{ line: 2, message: '`pip install` installs pip, setuptools without a version' }] },
    { code: 'FROM python:3.12-slim\nRUN python3 -m pip install --no-cache-dir -i https://pypi.example/simple poetry', findings: [{ line: 2, message: 'poetry' }] },
    { code: 'FROM node:20\nRUN npm install --global pnpm yarn@1.22.22', findings: [{ line: 2, message: '`npm install -g` installs pnpm without a version' }] },
    { code: 'FROM ruby:3.3\nRUN gem install bundler', findings: [{ line: 2, message: '`gem install` installs bundler' }] },
    { code: 'FROM golang:1.22\nRUN go install github.com/go-delve/delve/cmd/dlv@latest', findings: [{ line: 2, message: '`go install` installs github.com/go-delve/delve/cmd/dlv@latest' }] },
  ],
});
