<?php
// The article's PHP connection logic, as the application runs it: Predis asks the Sentinels where the
// master is (replication => sentinel, service => mymaster), writes and reads a test key, caches a value
// with SETEX, and says which server it reached. It prints ONE JSON line for the runbook to check:
//   {"server":"127.10.0.11:6379","role":"master","value_ok":true,"cache_ok":true,...}
//
// Environment (the runbook's variables arrive as environment variables):
//   REDIS_SENTINELS   required: "host:port,host:port,..." (or tcp:// URIs)
//   REDIS_PASSWORD    requirepass of the Redis nodes (never printed)
//   SENTINEL_PASSWORD the Sentinels' own requirepass, when they have one (never printed)
//   MASTER_NAME       Sentinel service name (default mymaster)
//   EXPECT_MASTER     optional "host:port": exit 1 unless Predis reached exactly that master
//   PREDIS_AUTOLOAD   optional path to an autoloader (default: Composer's vendor/autoload.php, else
//                     Debian's php-predis Predis/Autoloader.php on the include path)
//
// Exit codes: 0 reached the master and every operation held; 1 EXPECT_MASTER not met or a value did not
// round-trip; 2 could not connect (the article's "Could not connect to Redis"); 3 Predis is not installed.

function emit(array $result, int $code): void
{
    echo json_encode($result, JSON_UNESCAPED_SLASHES), "\n";
    exit($code);
}

function loadPredis(): bool
{
    $explicit = getenv('PREDIS_AUTOLOAD');
    if ($explicit !== false && $explicit !== '') {
        if (!is_file($explicit)) return false;
        require $explicit;
        return class_exists('Predis\Client');
    }
    if (is_file('vendor/autoload.php')) {
        require 'vendor/autoload.php';
        if (class_exists('Predis\Client')) return true;
    }
    $debian = stream_resolve_include_path('Predis/Autoloader.php');
    if ($debian === false) return false;
    require $debian;
    Predis\Autoloader::register();
    return true;
}

if (!loadPredis()) {
    fwrite(STDERR, "Predis is not installed: sudo apt-get install php-predis (or: composer require predis/predis)\n");
    emit(['error' => 'predis not installed'], 3);
}

$sentinelList = getenv('REDIS_SENTINELS') ?: '';
$sentinels = [];
foreach (preg_split('/[\s,]+/', $sentinelList, -1, PREG_SPLIT_NO_EMPTY) as $address) {
    $sentinels[] = str_contains($address, '://') ? $address : "tcp://$address";
}
if (!$sentinels) {
    fwrite(STDERR, "REDIS_SENTINELS is empty: set it to the Sentinels' host:port list, e.g. 10.10.0.20:26379,10.10.0.21:26379\n");
    emit(['error' => 'no sentinels given'], 2);
}
$sentinelPassword = getenv('SENTINEL_PASSWORD');
if ($sentinelPassword !== false && $sentinelPassword !== '') {
    // Predis 1.x clears the password of every Sentinel it connects to from parameters
    // (SentinelReplication::createSentinelConnection), but uses a connection it is handed as it is: each
    // Sentinel gets one that authenticates first, with Predis's own Sentinel timeout (100 ms).
    $factory = new Predis\Connection\Factory();
    $sentinels = array_map(function (string $uri) use ($factory, $sentinelPassword) {
        $parameters = Predis\Connection\Parameters::parse($uri);
        $parameters['password'] = $sentinelPassword;
        $parameters['timeout'] = $parameters['timeout'] ?? 0.1;
        return $factory->create($parameters);
    }, $sentinels);
}
$masterName = getenv('MASTER_NAME') ?: 'mymaster';
$password = getenv('REDIS_PASSWORD');
$started = microtime(true);

$options = ['replication' => 'sentinel', 'service' => $masterName];
if ($password !== false && $password !== '') {
    // Predis 1.x applies connection parameters given here to the Redis nodes Sentinel points at.
    $options['parameters'] = ['password' => $password];
}

try {
    $client = new Predis\Client($sentinels, $options);

    $token = bin2hex(random_bytes(8));
    $client->set('test_key', "Hello, Sentinel! $token");
    $valueOk = $client->get('test_key') === "Hello, Sentinel! $token";

    $cacheKey = 'user_data_' . uniqid();
    $userData = ['id' => 123, 'name' => 'John Doe', 'email' => 'john@example.com'];
    $client->setex($cacheKey, 3600, json_encode($userData));
    $cached = json_decode((string) $client->get($cacheKey), true);
    $cacheOk = is_array($cached) && ($cached['name'] ?? null) === 'John Doe';
    $client->del([$cacheKey]);

    // The article prints $client->getCurrentServer(), which Predis does not have: after a write the
    // replication connection is pinned to the master, whose parameters say where it is.
    $connection = $client->getConnection();
    $master = $connection->getMaster();
    $parameters = $master->getParameters();
    $server = "{$parameters->host}:{$parameters->port}";
    // Ask the node itself, not only Sentinel: a demoted master would answer "slave" here.
    $role = $master->executeCommand(Predis\Command\RawCommand::create('ROLE'))[0] ?? 'unknown';
} catch (Predis\Connection\ConnectionException $e) {
    fwrite(STDERR, 'Redis connection failed: ' . $e->getMessage() . "\n");
    emit(['error' => 'connection failed', 'detail' => $e->getMessage(), 'sentinels' => count($sentinels)], 2);
} catch (Exception $e) {
    fwrite(STDERR, get_class($e) . ': ' . $e->getMessage() . "\n");
    emit(['error' => get_class($e), 'detail' => $e->getMessage(), 'sentinels' => count($sentinels)], 2);
}

$result = [
    'server' => $server,
    'role' => $role,
    'value_ok' => $valueOk,
    'cache_ok' => $cacheOk,
    'service' => $masterName,
    'sentinels' => count($sentinels),
    'elapsed_ms' => (int) round((microtime(true) - $started) * 1000),
];
$expected = getenv('EXPECT_MASTER');
if ($expected !== false && $expected !== '') {
    $result['expected'] = $expected;
    if ($server !== $expected) {
        fwrite(STDERR, "Predis reached $server, but the master should be $expected\n");
        emit($result, 1);
    }
}
if (!$valueOk || !$cacheOk || $role !== 'master') {
    fwrite(STDERR, "Predis reached $server (ROLE $role) but the test key or the cached value did not round-trip\n");
    emit($result, 1);
}
emit($result, 0);
