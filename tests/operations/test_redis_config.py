"""Redis by REDIS_URL or by Sentinel (cad.redis_config): what each library is given."""

import pytest

from cad.redis_config import RedisConfig, RedisConfigError, parse_sentinels


def test_one_redis_by_url():
    config = RedisConfig.from_env({"REDIS_URL": "redis://cache:6379/3"})
    assert not config.uses_sentinel
    assert config.channel_layer_host()["address"] == "redis://cache:6379/3"
    assert config.celery_broker() == ("redis://cache:6379/3", {})
    assert config.redbeat() == ("redis://cache:6379/3", {})
    assert config.client_options() == {"url": "redis://cache:6379/3"}


def test_the_default_is_the_local_redis():
    assert RedisConfig.from_env({}).url == "redis://127.0.0.1:6379/0"


def test_sentinels_are_parsed_with_default_port_and_ipv6():
    assert parse_sentinels("s1:26379, s2:26380,s3") == [
        ("s1", 26379),
        ("s2", 26380),
        ("s3", 26379),
    ]
    assert parse_sentinels("[::1]:26379") == [("::1", 26379)]
    assert parse_sentinels("") == []


@pytest.mark.parametrize("bad", ["s1:port", ":26379", "s1:0", "s1:70000"])
def test_bad_sentinels_are_refused(bad):
    with pytest.raises(RedisConfigError):
        parse_sentinels(bad)


def test_a_bad_database_number_is_refused():
    with pytest.raises(RedisConfigError):
        RedisConfig.from_env({"CAD_REDIS_SENTINELS": "s1", "CAD_REDIS_DB": "x"})


SENTINEL_ENV = {
    "REDIS_URL": "redis://ignored:6379/0",
    "CAD_REDIS_SENTINELS": "s1:26379,s2:26379,s3:26379",
    "CAD_REDIS_SENTINEL_MASTER": "cad",
    "CAD_REDIS_DB": "2",
    "CAD_REDIS_PASSWORD": "p@ss/word",
    "CAD_REDIS_SENTINEL_PASSWORD": "sentinel-secret",
}
SENTINELS = [("s1", 26379), ("s2", 26379), ("s3", 26379)]


def test_sentinel_for_the_channel_layer():
    host = RedisConfig.from_env(SENTINEL_ENV).channel_layer_host()
    assert host["sentinels"] == SENTINELS
    assert host["master_name"] == "cad"
    assert host["db"] == 2
    assert host["password"] == "p@ss/word"
    assert host["sentinel_kwargs"] == {"password": "sentinel-secret"}
    assert "address" not in host


def test_sentinel_for_the_celery_broker():
    url, options = RedisConfig.from_env(SENTINEL_ENV).celery_broker()
    assert url == (
        "sentinel://:p%40ss%2Fword@s1:26379/2;"
        "sentinel://:p%40ss%2Fword@s2:26379/2;"
        "sentinel://:p%40ss%2Fword@s3:26379/2"
    )
    assert options == {"master_name": "cad", "sentinel_kwargs": {"password": "sentinel-secret"}}


def test_sentinel_for_the_beat_lock():
    url, options = RedisConfig.from_env(SENTINEL_ENV).redbeat()
    assert url == "redis-sentinel://"
    assert options["sentinels"] == SENTINELS
    assert options["service_name"] == "cad"
    assert options["db"] == 2
    assert options["password"] == "p@ss/word"


def test_the_libraries_accept_the_sentinel_settings():
    """Each library builds its Sentinel client from what it is given (no connection yet)."""
    from channels_redis.utils import create_pool
    from kombu import Connection
    from redis.asyncio.sentinel import SentinelConnectionPool

    config = RedisConfig.from_env(SENTINEL_ENV)
    assert isinstance(create_pool(config.channel_layer_host()), SentinelConnectionPool)
    url, options = config.celery_broker()
    connection = Connection(url, transport_options=options)
    assert connection.transport_cls == "sentinel"
    assert list(connection.alt) == url.split(";")
