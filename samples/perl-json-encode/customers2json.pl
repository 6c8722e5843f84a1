#!/usr/bin/perl
# Converts a legacy customer export (semicolon-separated, in the encoding named by EXPORT_ENCODING) to JSON.
use strict;
use warnings;
use Encode qw(decode find_encoding);
use JSON::PP;

my $encoding = find_encoding($ENV{EXPORT_ENCODING} // 'utf-8')
    or die "customers2json: unknown encoding $ENV{EXPORT_ENCODING}\n";
my $file = shift @ARGV or die "usage: customers2json FILE\n";

open my $in, '<:raw', $file or die "customers2json: $file: $!\n";
my @lines = map { s/\r?\n\z//r } <$in>;
close $in;

my @columns = split /;/, shift @lines;
my @customers;
for my $line (@lines) {
    my %row;
    @row{@columns} = split /;/, $encoding->decode($line, Encode::FB_CROAK);
    $row{id} += 0;
    push @customers, \%row;
}

print JSON::PP->new->ascii->canonical->encode({ encoding => $encoding->name, customers => \@customers }), "\n";
