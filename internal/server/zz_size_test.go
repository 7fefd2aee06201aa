package server_test

import (
	"os"
	"testing"
)

func TestZZSize(t *testing.T) {
	app := newTestApp(t, "sqlite")
	st := app.openStatement(t, "size")
	seedSignatures(t, app, st, 100)
	c := app.client(t)
	res := c.get("/s/size")
	t.Logf("size %d", len(res.Body))
	os.WriteFile("/tmp/cachework/before.html", []byte(res.Body), 0o644)
	c.lang = "es"
	res = c.get("/s/size?lang=es")
	t.Logf("size es %d", len(res.Body))
}
