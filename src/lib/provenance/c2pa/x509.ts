// @peculiar/x509, loaded after the Reflect metadata shim it needs. Import certificates APIs from here.
import './reflect-shim';

export * from '@peculiar/x509';
