def test_live_app_answers(client):
    assert client.get("/health").json() == {"status": "healthy"}
    body = client.get("/api/v1/health").json()
    assert body["services"] == {"database": "healthy", "redis": "healthy"}
