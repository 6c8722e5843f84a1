'use strict';

const crypto = require('crypto');
const express = require('express');
const morgan = require('morgan');

const app = express();
const port = Number(process.env.PORT || 3000);

app.use(morgan('combined'));
app.use(express.json());

app.get('/', (req, res) => {
  res.type('text/plain').send('node-express sample\n');
});

app.get('/healthz', (req, res) => {
  res.json({ status: 'ok' });
});

app.get('/api/greet', (req, res) => {
  const name = String(req.query.name || 'world');
  res.json({
    greeting: `Hello, ${name}!`,
    node: process.version,
    id: crypto.createHash('sha256').update(name).digest('hex').slice(0, 12),
  });
});

app.listen(port, () => {
  console.log(`node-express listening on ${port}`);
});
