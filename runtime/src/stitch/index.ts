export * from './stitcher';
