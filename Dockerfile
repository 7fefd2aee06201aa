# Signon in a container: one static binary on distroless, running as a
# non-root user. SQLite lives on the /data volume by default; set
# SIGNON_DATABASE_URL=postgres://… to use PostgreSQL instead.

# go.mod asks for Go 1.26.8 or later; an older 1.26 image fetches that
# toolchain by itself (GOTOOLCHAIN=auto).
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# No cgo: SQLite is the pure-Go modernc driver, so the binary is static.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /signon ./cmd/signon
# distroless has no shell to make the data folder, so it is made here and
# copied over owned by nonroot (uid 65532).
RUN mkdir /data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /signon /signon
COPY --from=build --chown=65532:65532 /data /data
USER nonroot
ENV SIGNON_ADDR=:8080 \
    SIGNON_DATABASE_URL=sqlite:/data/signon.db \
    SIGNON_LOG_FORMAT=json
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["/signon"]
CMD ["serve"]
