"""Sorts an inbox by content type: libmagic, loaded through ctypes by its short name as many small tools do."""
import ctypes
import ctypes.util
import os
import sys

MAGIC_MIME_TYPE = 0x000010  # magic.h: return the MIME type only

name = ctypes.util.find_library("magic")
if name is None:
    sys.exit("sniff: libmagic not found")
libmagic = ctypes.CDLL(name)
libmagic.magic_open.restype = ctypes.c_void_p
libmagic.magic_open.argtypes = [ctypes.c_int]
libmagic.magic_load.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
libmagic.magic_file.restype = ctypes.c_char_p
libmagic.magic_file.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
libmagic.magic_error.restype = ctypes.c_char_p
libmagic.magic_error.argtypes = [ctypes.c_void_p]

cookie = libmagic.magic_open(MAGIC_MIME_TYPE)
if libmagic.magic_load(cookie, None) != 0:
    sys.exit(f"sniff: {libmagic.magic_error(cookie).decode()}")

inbox = sys.argv[1]
print(f"library: {name}")
for entry in sorted(os.listdir(inbox)):
    mime = libmagic.magic_file(cookie, os.path.join(inbox, entry).encode())
    print(f"{entry}: {mime.decode() if mime else libmagic.magic_error(cookie).decode()}")
