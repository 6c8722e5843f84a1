<?php
// Order totals per customer, kept in an in-memory SQLite database through PDO.
declare(strict_types=1);

$db = new PDO('sqlite::memory:', null, null, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
$db->exec('CREATE TABLE orders (customer TEXT NOT NULL, item TEXT NOT NULL, cents INTEGER NOT NULL, quantity INTEGER NOT NULL)');

$insert = $db->prepare('INSERT INTO orders (customer, item, cents, quantity) VALUES (?, ?, ?, ?)');
foreach ([
    ['ada', 'keyboard', 4999, 1],
    ['ada', 'cable', 799, 3],
    ['grace', 'monitor', 18950, 2],
    ['linus', 'cable', 799, 1],
    ['grace', 'keyboard', 4999, 1],
] as $row) {
    $insert->execute($row);
}

$totals = $db->query(
    'SELECT customer, SUM(cents * quantity) AS cents, COUNT(*) AS lines FROM orders GROUP BY customer ORDER BY customer'
)->fetchAll(PDO::FETCH_ASSOC);

printf("drivers: %s\n", implode(',', PDO::getAvailableDrivers()));
printf("sqlite: %s\n", $db->getAttribute(PDO::ATTR_SERVER_VERSION));
foreach ($totals as $total) {
    printf("%-6s %2d lines %10s\n", $total['customer'], $total['lines'], number_format($total['cents'] / 100, 2));
}
