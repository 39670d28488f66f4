// vtk.js ships no typings for ImageMarchingCubes; this declares the part Voxa uses.
declare module '@kitware/vtk.js/Filters/General/ImageMarchingCubes' {
  import type vtkImageData from '@kitware/vtk.js/Common/DataModel/ImageData';
  import type vtkPolyData from '@kitware/vtk.js/Common/DataModel/PolyData';
  interface vtkImageMarchingCubes {
    setInputData(data: vtkImageData): void;
    getOutputData(): vtkPolyData;
    setContourValue(v: number): boolean;
    delete(): void;
  }
  const factory: {
    newInstance(initial?: { contourValue?: number; computeNormals?: boolean; mergePoints?: boolean }): vtkImageMarchingCubes;
  };
  export default factory;
}
