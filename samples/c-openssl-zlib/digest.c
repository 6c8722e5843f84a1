/*
 * digest: print the SHA-256 of its argument (or of a default message) using OpenSSL's EVP API, the size
 * of the message after zlib compression, and which library versions it runs against.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/crypto.h>
#include <zlib.h>

static int sha256_hex(const unsigned char *data, size_t len, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx == NULL)
        return -1;
    if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
        EVP_DigestUpdate(ctx, data, len) != 1 ||
        EVP_DigestFinal_ex(ctx, md, &md_len) != 1) {
        EVP_MD_CTX_free(ctx);
        return -1;
    }
    EVP_MD_CTX_free(ctx);
    for (unsigned int i = 0; i < md_len; i++)
        sprintf(out + 2 * i, "%02x", md[i]);
    out[2 * md_len] = '\0';
    return 0;
}

int main(int argc, char **argv)
{
    const char *message = argc > 1 ? argv[1] : "hello scratch";
    size_t len = strlen(message);

    /* Repeat the message so compression has something to find. */
    size_t repeated_len = len * 64;
    unsigned char *repeated = malloc(repeated_len + 1);
    if (repeated == NULL)
        return 1;
    for (size_t i = 0; i < 64; i++)
        memcpy(repeated + i * len, message, len);

    char hex[65];
    if (sha256_hex((const unsigned char *)message, len, hex) != 0) {
        fprintf(stderr, "digest: SHA-256 failed\n");
        return 1;
    }

    uLongf compressed_len = compressBound(repeated_len);
    unsigned char *compressed = malloc(compressed_len);
    if (compressed == NULL || compress2(compressed, &compressed_len, repeated, repeated_len, 9) != Z_OK) {
        fprintf(stderr, "digest: zlib compression failed\n");
        return 1;
    }

    /* Creating a TLS context proves libssl loads and finds its method tables. */
    SSL_CTX *tls = SSL_CTX_new(TLS_client_method());
    if (tls == NULL) {
        fprintf(stderr, "digest: cannot create a TLS context\n");
        return 1;
    }
    SSL_CTX_free(tls);

    printf("sha256(%s) = %s\n", message, hex);
    printf("zlib: %zu -> %lu bytes\n", repeated_len, (unsigned long)compressed_len);
    printf("openssl: %s\n", OpenSSL_version(OPENSSL_VERSION));
    printf("zlib version: %s\n", zlibVersion());
    free(compressed);
    free(repeated);
    return 0;
}
