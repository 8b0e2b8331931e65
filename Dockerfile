# syntax=docker/dockerfile:1
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/chihuy ./cmd/chihuy

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/chihuy /usr/local/bin/chihuy
USER nonroot:nonroot
# Report days past the retention are exported here before leaving Redis.
WORKDIR /home/nonroot
ENV CHIHUY_ARCHIVE_DIR=/home/nonroot/archive
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/chihuy"]
CMD ["run"]
